// A template's copy in a pool: removed on request, idempotently, and copied anew when needed again. A tiny blank
// qcow2 stands in for the template (no guest has to boot).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './proc';
import { createQemuDriver, type QemuDriver } from './qemu-driver';
import { qemuInstalled, rootVolume, SKIP_REASON, tempDir, uuid } from './test-support';

if (!qemuInstalled) console.warn(`Skipping QEMU template copy tests: ${SKIP_REASON}`);

describe.skipIf(!qemuInstalled)('QEMU driver: template copies in a pool', () => {
  const tmp = tempDir('stc-');
  const pool = path.join(tmp.dir, 'pool');
  const source = path.join(tmp.dir, 'template.qcow2');
  const hostId = uuid();
  let driver: QemuDriver;

  beforeAll(async () => {
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', source, '16M']);
    driver = createQemuDriver({ workDir: path.join(tmp.dir, 'work') });
  });
  afterAll(async () => {
    await driver.shutdown();
    tmp.cleanup();
  });

  it('removes the copy, twice without complaint, and copies it anew when a volume needs it again', async () => {
    const templateId = uuid();
    const t = { templateId, poolId: 'pool-1', poolPath: pool };
    const copy = path.join(pool, `template-${templateId}.qcow2`);
    await driver.ensureTemplate!(hostId, { ...t, sourcePath: source });
    expect(existsSync(copy)).toBe(true);

    await driver.removeTemplate!(hostId, t);
    expect(existsSync(copy)).toBe(false);
    await driver.removeTemplate!(hostId, t);
    await driver.removeTemplate!(hostId, { ...t, poolPath: path.join(tmp.dir, 'never-used') });

    // Gone means gone: a clone cannot be made without the source, and is once the copy is back.
    await expect(driver.createVolume(hostId, rootVolume(pool, templateId))).rejects.toThrow(/is not in pool/);
    const again = await driver.ensureTemplate!(hostId, { ...t, sourcePath: source });
    expect(again.sizeBytes).toBe(16 * 2 ** 20);
    const root = rootVolume(pool, templateId);
    root.path = await driver.createVolume(hostId, root);
    expect(existsSync(path.join(pool, root.path))).toBe(true);
  });

  it('refuses while the copy is being made (a volume is about to be cloned from it)', async () => {
    const t = { templateId: uuid(), poolId: 'pool-1', poolPath: pool };
    const copying = driver.ensureTemplate!(hostId, { ...t, sourcePath: source });
    await expect(driver.removeTemplate!(hostId, t)).rejects.toThrow(/is being copied/);
    await copying;
    expect(existsSync(path.join(pool, `template-${t.templateId}.qcow2`))).toBe(true);
  });
});
