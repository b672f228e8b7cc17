// listVirtualMachines counts that must stay exact while they stop growing with the cloud (issue 11): a state counted
// directly, from the other states, or in full (stateCount's three ways), and a substring search counted inside the
// database while its page stops at the page's end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createWorld, type World } from './test-world';

let w: World;
let template: Record<string, unknown>;
beforeAll(async () => {
  w = await createWorld();
  await w.deploy(w.ids.admin, { name: 'seed-vm' });
  template = (await w.db.selectFrom('vms').selectAll().executeTakeFirstOrThrow()) as never;
});
afterAll(async () => { await w.close(); });

let made = 0;
/** `n` VM rows in `state` (rows, not deploys: the counts are what is tested). */
async function addVms(n: number, state: string, removed = false) {
  for (let i = 0; i < n; i += 500) {
    const rows = Array.from({ length: Math.min(500, n - i) }, () => {
      const id = randomUUID();
      made++;
      return { ...template, id, name: `row-${made}`, display_name: `row-${made}`, instance_name: `i-9-${made}-VM`, state,
        created: 1_000_000 + made, removed: removed ? 5 : null };
    });
    await w.db.insertInto('vms').values(rows as never).execute();
  }
}

const count = async (a: object) => (await w.call(w.ids.admin, 'listVirtualMachines', { listall: true, pagesize: 20, ...a })).count;
const exact = async (state: string) => Number((await w.db.selectFrom('vms').select((eb) => eb.fn.countAll<number>().as('n'))
  .where('removed', 'is', null).where('state', '=', state).executeTakeFirstOrThrow()).n);

describe('listVirtualMachines count', () => {
  it('is exact for a state most VMs are in, one few are in, and when two states are both large', async () => {
    await addVms(2100, 'Running');
    await addVms(7, 'Stopped');
    await addVms(3, 'Error');
    await addVms(40, 'Running', true);
    for (const s of ['Running', 'Stopped', 'Error', 'Starting']) expect(await count({ state: s })).toBe(await exact(s));
    expect(await count({ state: 'Running' })).toBe(2101);
    expect(await count({})).toBe(2111);
    // Both sides of Running large: counted in full.
    await addVms(2100, 'Stopped');
    expect(await count({ state: 'Running' })).toBe(2101);
    expect(await count({ state: 'Stopped' })).toBe(2107);
    expect(await count({ state: 'running' })).toBe(2101);
  });

  it('counts a substring search exactly and pages it in order', async () => {
    const all = await w.db.selectFrom('vms').select(['name', 'display_name', 'instance_name', 'created', 'id'])
      .where('removed', 'is', null).execute();
    const matches = all.filter((v) => [v.name, v.display_name, v.instance_name].some((s) => s.toLowerCase().includes('w-12')))
      .sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
    const r = await w.call(w.ids.admin, 'listVirtualMachines', { listall: true, keyword: 'W-12', page: 2, pagesize: 10 });
    expect(r.count).toBe(matches.length);
    expect(r.items.map((v: { name: string }) => v.name)).toEqual(matches.slice(10, 20).map((v) => v.name));
    expect((await w.call(w.ids.admin, 'listVirtualMachines', { listall: true, keyword: 'row-' })).count).toBe(4210);
    // A display name of its own is searched too (the search index holds it only where it differs from the name).
    await w.db.updateTable('vms').set({ display_name: 'Shown-As-Other' }).where('name', '=', 'row-7').execute();
    const other = await w.call(w.ids.admin, 'listVirtualMachines', { listall: true, keyword: 'as-oth' });
    expect([other.count, other.items.map((v: { name: string }) => v.name)]).toEqual([1, ['row-7']]);
    expect((await w.call(w.ids.admin, 'listVirtualMachines', { listall: true, keyword: 'row-7' })).count).toBe(1 + 10 + 100);
  });

  it('pages the second half of every VM, of one state and of a search (read from the end) exactly as the first', async () => {
    // Ties on `created` are ordered by id, and removed rows sit among the live ones.
    const [first] = await w.db.selectFrom('vms').select('created').where('removed', 'is', null).orderBy('created', 'desc').limit(1).execute();
    await w.db.updateTable('vms').set({ created: first.created }).where('name', 'in', ['row-3000', 'row-3001', 'row-3002']).execute();
    const rows = await w.db.selectFrom('vms').select(['id', 'created', 'state', 'name']).where('removed', 'is', null).execute();
    const ordered = (keep: (v: (typeof rows)[number]) => boolean) => rows.filter(keep)
      .sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1)).map((v) => v.id);
    // Searches: a few matches, all but one (the seed VM), and every live VM (its page then read as the unfiltered one).
    const lists: [object, string[]][] = [[{}, ordered(() => true)], [{ state: 'Running' }, ordered((v) => v.state === 'Running')],
      [{ keyword: 'ROW-2' }, ordered((v) => v.name.includes('row-2'))], [{ keyword: 'row-' }, ordered((v) => v.name.startsWith('row-'))],
      [{ keyword: '-vm' }, ordered(() => true)]];
    for (const [filter, ids] of lists) {
      const pages = Math.ceil(ids.length / 500);
      for (const page of [1, pages - 2, pages - 1, pages, pages + 1]) {
        const r = await w.call(w.ids.admin, 'listVirtualMachines', { listall: true, page, pagesize: 500, ...filter });
        expect(r.count).toBe(ids.length);
        expect((r.items ?? []).map((v: { id: string }) => v.id)).toEqual(ids.slice((page - 1) * 500, page * 500));
      }
    }
  });

  it('shows on a page of many VMs the same tags, affinity groups and NICs as for one VM alone', async () => {
    const page = async () => (await w.call(w.ids.admin, 'listVirtualMachines', { listall: true, page: 1, pagesize: 500 })).items as { id: string; tags: unknown[]; affinitygroup: unknown[] }[];
    const alone = async (id: string) => (await w.call(w.ids.admin, 'listVirtualMachines', { listall: true, id })).items[0];
    const [x, y] = (await page()).slice(0, 2).map((v) => v.id);
    // Without any tag or affinity group in the cloud (their lookups are skipped), then with one on x.
    expect((await page()).find((v) => v.id === y)).toEqual(await alone(y));
    const vm = await w.db.selectFrom('vms').select(['account_id', 'domain_id']).where('id', '=', x).executeTakeFirstOrThrow();
    await w.db.insertInto('resource_tags').values({ id: randomUUID(), resource_type: 'UserVm', resource_id: x, tag_key: 'k', tag_value: 'v',
      customer: null, account_id: vm.account_id, domain_id: vm.domain_id, created: 1 }).execute();
    const group = randomUUID();
    await w.db.insertInto('affinity_groups').values({ id: group, name: 'ag', type: 'host anti-affinity', description: null,
      account_id: vm.account_id, domain_id: vm.domain_id, created: 1 }).execute();
    await w.db.insertInto('affinity_group_vms').values({ group_id: group, vm_id: x }).execute();
    const after = await page();
    const shown = after.find((v) => v.id === x)!;
    expect(shown).toEqual(await alone(x));
    expect(shown.tags).toHaveLength(1);
    expect(shown.affinitygroup).toHaveLength(1);
    expect(after.find((v) => v.id === y)).toEqual(await alone(y));
  });
});
