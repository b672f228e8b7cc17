// SSH key pairs and user data over HTTP, as automation uses them: a key pair made by the server works with
// OpenSSH's own tools, registered keys are checked, names and keys are unique per account, nobody sees another
// account's, and deploys carry keys and user data (own, registered, or the template's by its policy) to the VM.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitJob, type TestServer } from '../testing/harness';
import { startUserLab, type Client } from '../testing/user-lab';

let t: TestServer;
let admin: Client;
let alice: Client;
let bob: Client;
let zoneId: string;
let templateId: string;
let offeringId: string;

const b64 = (s: string) => Buffer.from(s).toString('base64');
const keygen = existsSync('/usr/bin/ssh-keygen');

/** The OpenSSH public key of a private key, as ssh-keygen derives it. */
function publicKeyOf(privateKey: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'strata-key-')), 'id');
  writeFileSync(file, privateKey, { mode: 0o600 });
  return execFileSync('/usr/bin/ssh-keygen', ['-y', '-f', file]).toString().trim();
}
if (!keygen) console.warn('ssh-keygen (openssh-client) is missing: the OpenSSH cross-checks of key pairs are skipped');
const body = (r: { json: any }, command: string) => r.json[`${command.toLowerCase()}response`];

async function deploy(c: Client, params: Record<string, string>) {
  const r = await c.call('deployVirtualMachine', { zoneid: zoneId, templateid: templateId, serviceofferingid: offeringId, ...params }, 'POST');
  if (r.status !== 200) return { error: body(r, 'deployVirtualMachine') };
  const job = await waitJob(c.call, body(r, 'deployVirtualMachine').jobid);
  return job.jobstatus === 1 ? { vm: job.jobresult.virtualmachine } : { error: job.jobresult };
}

beforeAll(async () => {
  ({ t, zoneId, templateId, offeringId, admin, alice, bob } = await startUserLab());
}, 120_000);
afterAll(async () => { await t?.stop(); });

describe('SSH key pairs', () => {
  it('makes a key pair whose private key OpenSSH reads, answered once; lists it by fingerprint without it', async () => {
    const made = await alice.call('createSSHKeyPair', { name: 'laptop' }, 'POST');
    expect(made.status).toBe(200);
    const kp = body(made, 'createSSHKeyPair').keypair;
    expect(kp).toMatchObject({ name: 'laptop', account: 'alice' });
    expect(kp.privatekey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(kp.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    if (keygen) {
      // OpenSSH derives the public key from the private one: its MD5 fingerprint is the one the server gave.
      const dir = mkdtempSync(join(tmpdir(), 'strata-key-'));
      writeFileSync(join(dir, 'id.pub'), publicKeyOf(kp.privatekey));
      expect(execFileSync('/usr/bin/ssh-keygen', ['-l', '-E', 'md5', '-f', join(dir, 'id.pub')]).toString()).toContain(`MD5:${kp.fingerprint}`);
    }
    const listed = body(await alice.call('listSSHKeyPairs', { fingerprint: kp.fingerprint }), 'listSSHKeyPairs');
    expect(listed.count).toBe(1);
    expect(listed.sshkeypair[0].privatekey).toBeUndefined();
    expect(body(await bob.call('listSSHKeyPairs'), 'listSSHKeyPairs')).toEqual({});
  });

  it.skipIf(!keygen)('registers public keys with CloudStack\'s checks: a real key, a name and a key once per account', async () => {
    const key = body(await admin.call('createSSHKeyPair', { name: 'tmp' }, 'POST'), 'createSSHKeyPair').keypair;
    await admin.call('deleteSSHKeyPair', { name: 'tmp' }, 'POST');
    const pub = publicKeyOf(key.privatekey);
    const reg = await bob.call('registerSSHKeyPair', { name: 'work', publickey: `${pub} bob@work` }, 'POST');
    expect(body(reg, 'registerSSHKeyPair').keypair.fingerprint).toBe(key.fingerprint);
    const bad = await bob.call('registerSSHKeyPair', { name: 'bad', publickey: 'ssh-rsa bm90IGEga2V5' }, 'POST');
    expect([bad.status, body(bad, 'registerSSHKeyPair').errortext]).toEqual([431, 'Public key is invalid']);
    const again = await bob.call('registerSSHKeyPair', { name: 'work', publickey: pub }, 'POST');
    expect(body(again, 'registerSSHKeyPair').errortext).toBe('A key pair with name \'work\' already exists.');
    const sameKey = await bob.call('registerSSHKeyPair', { name: 'other', publickey: pub }, 'POST');
    expect(body(sameKey, 'registerSSHKeyPair').errortext).toContain('same public key');
    // Another account may register the same key under the same name.
    expect((await alice.call('registerSSHKeyPair', { name: 'work', publickey: pub }, 'POST')).status).toBe(200);
    const gone = await bob.call('deleteSSHKeyPair', { name: 'nope' }, 'POST');
    expect([gone.status, body(gone, 'deleteSSHKeyPair').errortext]).toEqual([431, 'A key pair with name \'nope\' does not exist for account bob in specified domain id']);
  });
});

describe('user data and deploys', () => {
  it('a deploy carries key pairs and registered user data to the VM; details keep them out of sight', async () => {
    const ud = body(await alice.call('registerUserData', { name: 'web-init', userdata: b64('#!/bin/sh\necho web\n'), params: 'port' }, 'POST'), 'registerUserData').userdata;
    expect(ud).toMatchObject({ name: 'web-init', params: 'port', account: 'alice' });
    const { vm } = await deploy(alice, { name: 'keyed', keypairs: 'laptop,work', userdataid: ud.id });
    expect(vm).toMatchObject({ keypairs: 'laptop,work', userdataid: ud.id, userdataname: 'web-init' });
    expect(JSON.stringify(vm.details ?? {})).not.toContain('ssh-rsa');
    const missing = await deploy(alice, { keypair: 'nokey' });
    expect(missing.error.errortext).toBe('A key pair with name \'nokey\' was not found.');
    // Bob may not use alice's user data.
    expect((await deploy(bob, { userdataid: ud.id })).error.errorcode).toBe(531);
    // Deleting the key pair leaves the VM its keys.
    await alice.call('deleteSSHKeyPair', { name: 'work' }, 'POST');
    const again = body(await alice.call('listVirtualMachines', { id: vm.id }), 'listVirtualMachines').virtualmachine[0];
    expect(again.keypairs).toBe('laptop,work');
  });

  it('a template\'s linked user data applies by its policy, and linked user data cannot be deleted', async () => {
    const admin1 = body(await admin.call('registerUserData', { name: 'base', userdata: b64('base\n') }, 'POST'), 'registerUserData').userdata;
    const linked = body(await admin.call('linkUserDataToTemplate', { templateid: templateId, userdataid: admin1.id, userdatapolicy: 'DENYOVERRIDE' }, 'POST'), 'linkUserDataToTemplate');
    expect(linked.template).toMatchObject({ userdataid: admin1.id, userdataname: 'base', userdatapolicy: 'DENYOVERRIDE' });
    expect((await deploy(admin, { userdata: b64('mine') })).error.errortext).toContain('not allowed to be overridden');
    expect((await deploy(admin, {})).vm.state).toBe('Running');
    const del = await admin.call('deleteUserData', { id: admin1.id }, 'POST');
    expect([del.status, body(del, 'deleteUserData').errortext]).toEqual([431, expect.stringContaining('is linked to template')]);
    await admin.call('linkUserDataToTemplate', { templateid: templateId }, 'POST');
    expect((await admin.call('deleteUserData', { id: admin1.id }, 'POST')).status).toBe(200);
  });

  it('resets a stopped VM\'s key pairs, and refuses while it runs', async () => {
    await alice.call('createSSHKeyPair', { name: 'new' }, 'POST');
    const { vm } = await deploy(alice, { name: 'reset-me', keypair: 'laptop' });
    const running = await alice.call('resetSSHKeyForVirtualMachine', { id: vm.id, keypair: 'new' }, 'POST');
    expect([running.status, body(running, 'resetSSHKeyForVirtualMachine').errortext]).toEqual([431, 'Vm reset-me should be stopped to do SSH Key reset']);
    await waitJob(alice.call, body(await alice.call('stopVirtualMachine', { id: vm.id }, 'POST'), 'stopVirtualMachine').jobid);
    const r = await alice.call('resetSSHKeyForVirtualMachine', { id: vm.id, keypair: 'new' }, 'POST');
    const job = await waitJob(alice.call, body(r, 'resetSSHKeyForVirtualMachine').jobid);
    expect(job.jobresult.virtualmachine.keypairs).toBe('new');
    // Replacing the VM's details keeps its keys.
    await alice.call('updateVirtualMachine', { id: vm.id, 'details[0].note': 'x' }, 'POST');
    const after = body(await alice.call('listVirtualMachines', { id: vm.id }), 'listVirtualMachines').virtualmachine[0];
    expect([after.keypairs, after.details]).toEqual(['new', { note: 'x' }]);
  });
});
