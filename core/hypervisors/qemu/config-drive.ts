// The config drive: an ISO 9660 image labelled config-2 that cloud-init's ConfigDrive source (and CloudStack's own
// guest scripts) read at boot. It carries the OpenStack layout (openstack/latest/meta_data.json with the public
// keys, openstack/latest/user_data) and CloudStack's (cloudstack/metadata/*.txt, cloudstack/userdata/user_data.txt,
// cloudstack/password/vm_password.txt).
// Rebuilt at every start, so keys reset while the VM was stopped reach the guest. Made with Debian's xorriso
// (or genisoimage), with Joliet and Rock Ridge names so the long lowercase paths survive.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ConfigDriveSpec } from '../driver';
import { run } from './proc';

const TOOLS = [
  { bin: '/usr/bin/xorriso', args: (out: string, dir: string) => ['-as', 'mkisofs', '-quiet', '-V', 'config-2', '-J', '-R', '-o', out, dir] },
  { bin: '/usr/bin/genisoimage', args: (out: string, dir: string) => ['-quiet', '-V', 'config-2', '-J', '-R', '-o', out, dir] },
];

export const configDriveIso = (vmDir: string) => path.join(vmDir, 'config-drive.iso');

/** The files of the drive, by path inside it. */
export function configDriveFiles(s: ConfigDriveSpec): Record<string, string | Buffer> {
  const keys = Object.fromEntries(s.publicKeys.map((k, i) => [`key-${i + 1}`, k]));
  const files: Record<string, string | Buffer> = {
    'openstack/latest/meta_data.json': JSON.stringify({
      uuid: s.uuid, name: s.hostname, hostname: s.hostname, availability_zone: s.availabilityZone, launch_index: 0,
      public_keys: keys, meta: { instance_name: s.instanceName },
    }, null, 2),
    'cloudstack/metadata/instance-id.txt': s.instanceName,
    'cloudstack/metadata/vm-id.txt': s.uuid,
    'cloudstack/metadata/local-hostname.txt': s.hostname,
    'cloudstack/metadata/availability-zone.txt': s.availabilityZone,
    'cloudstack/metadata/public-keys.txt': s.publicKeys.join('\n'),
  };
  if (s.password) files['cloudstack/password/vm_password.txt'] = s.password;
  if (s.userData) {
    const data = Buffer.from(s.userData, 'base64');
    files['openstack/latest/user_data'] = data;
    files['cloudstack/userdata/user_data.txt'] = data;
  }
  return files;
}

/** Writes the VM's config drive image into its directory; its path. */
export async function writeConfigDrive(vmDir: string, s: ConfigDriveSpec): Promise<string> {
  const tool = TOOLS.find((t) => existsSync(t.bin));
  if (!tool) throw new Error('the VM has SSH keys or user data, and its config drive needs xorriso or genisoimage on this host (apt install xorriso)');
  const staging = path.join(vmDir, 'config-drive');
  rmSync(staging, { recursive: true, force: true });
  for (const [name, content] of Object.entries(configDriveFiles(s))) {
    const file = path.join(staging, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  const out = configDriveIso(vmDir);
  try {
    await run(tool.bin, tool.args(out, staging), { timeoutMs: 30_000 });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return out;
}
