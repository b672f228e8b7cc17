import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createWorld, type World } from './test-world';

let w: World;
beforeEach(async () => { w = await createWorld(); });
afterEach(async () => { await w.close(); });

const names = (r: { items: { name: string }[] }) => r.items.map((v) => v.name);

describe('listVirtualMachines sortby/sortorder (Strata extension)', () => {
  it('sorts by name and created, both ways, and pages in that order', async () => {
    for (const [name, start] of [['delta', true], ['alpha', false], ['charlie', true], ['bravo', false]] as const) {
      await w.deploy(w.ids.admin, { name, startvm: start });
    }
    const L = (a: object) => w.call(w.ids.admin, 'listVirtualMachines', { listall: true, ...a });
    expect(names(await L({}))).toEqual(['delta', 'alpha', 'charlie', 'bravo']);
    expect(names(await L({ sortby: 'name' }))).toEqual(['alpha', 'bravo', 'charlie', 'delta']);
    expect(names(await L({ sortby: 'name', sortorder: 'desc' }))).toEqual(['delta', 'charlie', 'bravo', 'alpha']);
    expect(names(await L({ sortby: 'name', page: 2, pagesize: 2 }))).toEqual(['charlie', 'delta']);
    expect(names(await L({ sortby: 'created', sortorder: 'desc' }))).toEqual(['bravo', 'charlie', 'alpha', 'delta']);
    // A keyword search (one scan of the search index) keeps the requested order too.
    expect(names(await L({ keyword: 'a', sortby: 'name', sortorder: 'desc' }))).toEqual(['delta', 'charlie', 'bravo', 'alpha']);
  });

  it('walks an index for a sorted page instead of sorting every VM', async () => {
    const plan = async (q: string) => (await sql.raw<{ detail: string }>(`explain query plan ${q}`).execute(w.db)).rows.map((r) => r.detail).join(' | ');
    for (const [order, index] of [['name, id', 'vms_sort_name'], ['name desc, id desc', 'vms_sort_name']]) {
      const p = await plan(`select id from vms where removed is null order by ${order} limit 100 offset 99900`);
      expect(p).toMatch(new RegExp(`COVERING INDEX ${index}`));
      expect(p).not.toMatch(/TEMP B-TREE/);
    }
  });
});
