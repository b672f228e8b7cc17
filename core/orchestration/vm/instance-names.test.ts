// Two management servers on one database (two connections, each with its own name service) never hand out the
// same instance name, however their deploys interleave.
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenedDb } from '../../db/connect';
import { createSequences } from '../../db/sequences';
import { openTestDatabase } from '../../testing/test-db';
import { createInstanceNames } from './instance-names';

const opened: OpenedDb[] = [];
afterEach(async () => { for (const o of opened.splice(0)) await o.close(); });

describe('instance names', () => {
  it('are unique across servers sharing the database and never reuse a number', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'strata-names-')), 'test.db');
    const a = await openTestDatabase(file);
    opened.push(a);
    await a.db.insertInto('domains').values({ id: 'd', name: 'ROOT', parent_id: null, path: 'ROOT', level: 0, state: 'Active',
      network_domain: null, created: 1, removed: null }).execute();
    await a.db.insertInto('roles').values({ id: 'r', name: 'Admin', type: 'Admin', description: '', is_default: 1, is_public: 1,
      state: 'enabled', created: 1, removed: null }).execute();
    await a.db.insertInto('accounts').values({ id: 'acct', name: 'admin', type: 1, domain_id: 'd', role_id: 'r', state: 'enabled',
      network_domain: null, created: 1, removed: null }).execute();
    const b = await openTestDatabase(file);
    opened.push(b);
    const servers = [a, b].map((o) => createInstanceNames(o.db, createSequences(o.db, { block: 4 })));
    const names = await Promise.all(Array.from({ length: 60 }, (_, i) => servers[i % 2].next('acct')));
    expect(names.every((n) => /^i-1-\d+-VM$/.test(n))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    // A server started later continues after what the others reserved.
    const later = createInstanceNames(a.db, createSequences(a.db));
    const max = Math.max(...names.map((n) => Number(n.split('-')[2])));
    expect(Number((await later.next('acct')).split('-')[2])).toBeGreaterThan(max);
  });

  it('give each account one number, the same on every server, drawn once and never by counting accounts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'strata-names-')), 'test.db');
    const a = await openTestDatabase(file);
    opened.push(a);
    await a.db.insertInto('domains').values({ id: 'd', name: 'ROOT', parent_id: null, path: 'ROOT', level: 0, state: 'Active',
      network_domain: null, created: 1, removed: null }).execute();
    await a.db.insertInto('roles').values({ id: 'r', name: 'User', type: 'User', description: '', is_default: 1, is_public: 1,
      state: 'enabled', created: 1, removed: null }).execute();
    for (const id of ['x', 'y', 'z']) {
      await a.db.insertInto('accounts').values({ id, name: id, type: 0, domain_id: 'd', role_id: 'r', state: 'enabled',
        network_domain: null, created: 2, removed: null }).execute();
    }
    const b = await openTestDatabase(file);
    opened.push(b);
    const servers = [a, b].map((o) => createInstanceNames(o.db, createSequences(o.db, { block: 4 })));
    // Both servers name VMs of the same new accounts at once: each account ends with a single number.
    const names = await Promise.all(['x', 'y', 'z', 'y', 'x', 'z'].flatMap((acct, i) => [servers[i % 2].next(acct), servers[(i + 1) % 2].next(acct)]));
    const acctOf = (n: string) => n.split('-')[1];
    const byAccount = new Map<string, Set<string>>();
    ['x', 'y', 'z', 'y', 'x', 'z'].forEach((acct, i) => {
      const set = byAccount.get(acct) ?? new Set();
      set.add(acctOf(names[2 * i])).add(acctOf(names[2 * i + 1]));
      byAccount.set(acct, set);
    });
    for (const set of byAccount.values()) expect(set.size).toBe(1);
    const numbers = [...byAccount.values()].map((s) => [...s][0]);
    expect(new Set(numbers).size).toBe(3);
    const rows = await a.db.selectFrom('accounts').select(['id', 'number']).orderBy('id').execute();
    expect(rows.map((r) => String(r.number))).toEqual(['x', 'y', 'z'].map((id) => [...byAccount.get(id)!][0]));
    // A server started later reads the stored number.
    expect(acctOf(await createInstanceNames(b.db, createSequences(b.db)).next('y'))).toBe([...byAccount.get('y')!][0]);
  });

  it('serve a burst of concurrent deploys with one reservation, not one per block', async () => {
    const a = await openTestDatabase(join(mkdtempSync(join(tmpdir(), 'strata-names-')), 'test.db'));
    opened.push(a);
    let reservations = 0;
    const counting = a.db.withPlugin({
      transformQuery: (args) => { if (args.node.kind === 'UpdateQueryNode') reservations++; return args.node; },
      transformResult: async (args) => args.result,
    });
    const seq = createSequences(counting, { block: 4 });
    const numbers = await Promise.all(Array.from({ length: 500 }, () => seq.next('vm_number')));
    // In call order, without gaps inside the burst, and unique.
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0] + i));
    expect(reservations).toBeLessThanOrEqual(2);
  });
});
