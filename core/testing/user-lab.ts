// Test fixture: a server with the demo lab (simulator zone, built-in template), an admin session and two user
// accounts, alice and bob, with sessions of their own, for tests of what users may and may not do.
import { seedDemoLab } from '../demo';
import { ensureBuiltinTemplate } from '../catalog/index';
import { sessionClient, startTestServer, type TestServer } from './harness';

export type Client = Awaited<ReturnType<typeof sessionClient>>;
export interface UserLab { t: TestServer; zoneId: string; templateId: string; offeringId: string; admin: Client; alice: Client; bob: Client }

export async function startUserLab(): Promise<UserLab> {
  const t = await startTestServer();
  const { zoneId } = await seedDemoLab(t.core);
  const templateId = await ensureBuiltinTemplate(t.core.svc, zoneId);
  const admin = await sessionClient(t.url);
  for (const u of ['alice', 'bob']) {
    await admin.call('createAccount', { username: u, password: `pw-${u}-1`, email: `${u}@example.org`, firstname: u, lastname: 'L', accounttype: '0' }, 'POST');
  }
  const alice = await sessionClient(t.url, 'alice', 'pw-alice-1');
  const bob = await sessionClient(t.url, 'bob', 'pw-bob-1');
  const offerings = (await alice.call('listServiceOfferings', { name: 'Small Instance' })).json.listserviceofferingsresponse;
  return { t, zoneId, templateId, offeringId: offerings.serviceoffering[0].id, admin, alice, bob };
}
