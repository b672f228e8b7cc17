// Run by secret-store.keychain.test.ts inside a private D-Bus session with an unlocked gnome-keyring: exercises the
// real OsKeychainSecretStore against the Secret Service and prints what it saw as one JSON line.
import { OsKeychainSecretStore } from '../secret-store';

const service = process.argv[2] ?? 'Strata-test';
const store = new OsKeychainSecretStore(service);
const secret = JSON.stringify({ type: 'keys', apiKey: 'k-123', secretKey: 's3cr€t with spaces & symbols' });
const steps: Record<string, unknown> = {};
steps.missing = await store.get('connection:absent');
await store.set('connection:a', secret);
await store.set('connection:b', 'other');
steps.read = await store.get('connection:a');
await store.set('connection:a', 'replaced');
steps.replaced = await store.get('connection:a');
steps.deleted = await store.delete('connection:a');
steps.afterDelete = await store.get('connection:a');
steps.deletedAgain = await store.delete('connection:a');
steps.otherKept = await store.get('connection:b');
await store.delete('connection:b');
process.stdout.write(JSON.stringify(steps) + '\n');
