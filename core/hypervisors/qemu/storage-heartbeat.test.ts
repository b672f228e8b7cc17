// The storage heartbeat on a real folder: written at once and on its interval, read back as an age by another
// reader (a neighbour host), absent as null, and marked when the agent stops on purpose (its VMs run on).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorageHeartbeat, heartbeatFile, STOPPED_ON_PURPOSE } from './storage-heartbeat';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('storage heartbeat', () => {
  it('writes on every pool, is read as an age by another host, and says when its agent stopped on purpose', async () => {
    const pools = [mkdtempSync(join(tmpdir(), 'hb-a-')), mkdtempSync(join(tmpdir(), 'hb-b-'))];
    dirs.push(...pools);
    const errors: string[] = [];
    const host = createStorageHeartbeat((p, e) => errors.push(`${p}: ${e.message}`));
    const neighbour = createStorageHeartbeat(() => undefined);
    expect(await neighbour.age(pools[0], 'h1')).toBeNull();
    await host.set('h1', pools, 100);
    const first = Number(readFileSync(heartbeatFile(pools[1], 'h1'), 'utf8'));
    for (const p of pools) expect(await neighbour.age(p, 'h1')).toBeLessThan(1000);
    await expect.poll(() => Number(readFileSync(heartbeatFile(pools[1], 'h1'), 'utf8')), { timeout: 3000, interval: 50 }).toBeGreaterThan(first);
    await host.stop(true);
    for (const p of pools) expect(await neighbour.age(p, 'h1')).toBe(STOPPED_ON_PURPOSE);
    // A host that dies leaves its last time: the age only grows.
    await host.set('h2', [pools[0]], 100);
    await host.stop(false);
    const a = (await neighbour.age(pools[0], 'h2'))!;
    await expect.poll(() => neighbour.age(pools[0], 'h2'), { timeout: 3000, interval: 50 }).toBeGreaterThan(a + 100);
    expect(errors).toEqual([]);
  });
});
