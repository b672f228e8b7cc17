// Issue 9: password guessing through the real HTTP login. A user is locked after incorrect.login.attempts.allowed
// consecutive failures (event, alert, unlocked by enableUser), a success resets the count, and failures from one
// address are throttled (checked one at a time, then only after a growing wait), all kept in the database.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, sessionClient, type TestServer } from '../testing/harness';

let t: TestServer;
let admin: Awaited<ReturnType<typeof sessionClient>>;
// The server's clock, which the address throttle reads: a test waits out a throttle by moving it on, not by
// sleeping the seconds (14 s a run on real time).
let offset = 0;
const clock = { now: () => Date.now() + offset };

beforeAll(async () => {
  t = await startTestServer({ clock });
  admin = await sessionClient(t.url);
});
afterAll(() => t.stop());

async function login(username: string, password: string) {
  const form = new URLSearchParams({ command: 'login', username, password, response: 'json' });
  const r = await fetch(`${t.url}/client/api`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const json = await r.json() as any;
  return { status: r.status, text: (json.loginresponse?.errortext ?? '') as string };
}

/** A login the server actually checked: waits out the address throttle when told to (on the server's clock). */
async function checkedLogin(username: string, password: string) {
  for (;;) {
    const r = await login(username, password);
    const wait = /try again in (\d+) s/.exec(r.text);
    if (!wait) return r;
    offset += Math.max(1, Number(wait[1])) * 1000;
  }
}

async function checkedFailure(username: string): Promise<void> {
  expect((await checkedLogin(username, 'wrong-password')).status).toBe(531);
}

async function newUser(username: string) {
  const r = await admin.call('createAccount', { username, password: 'right-password', email: `${username}@example.org`, firstname: username, lastname: 'x', accounttype: '0' }, 'POST');
  expect(r.status).toBe(200);
  return r.json.createaccountresponse.account.user[0].id as string;
}

const userState = async (id: string) => (await admin.call('listUsers', { id })).json.listusersresponse.user[0].state;

describe('login lockout', () => {
  it('locks a user after 5 wrong passwords, with an event and an alert; enableUser unlocks it', async () => {
    const id = await newUser('guess-target');
    for (let i = 0; i < 4; i++) await checkedFailure('guess-target');
    expect(await userState(id)).toBe('enabled');
    await checkedFailure('guess-target');
    expect(await userState(id)).toBe('locked');
    // The right password no longer opens a session (with the text of a wrong one: a guesser learns nothing).
    const refused = await checkedLogin('guess-target', 'right-password');
    expect(refused.status).toBe(531);
    expect(refused.text).toMatch(/^Failed to authenticate user guess-target in domain \S+; please provide valid credentials$/);
    const events = (await admin.call('listEvents', { type: 'USER.LOCK', listall: 'true' })).json.listeventsresponse.event;
    expect(events.map((e: any) => e.description)).toContain('User guess-target locked after 5 failed login attempts; an admin may unlock it with enableUser');
    const alerts = (await admin.call('listAlerts')).json.listalertsresponse.alert;
    expect(alerts.some((a: any) => a.description.startsWith('User guess-target locked'))).toBe(true);

    expect((await admin.call('enableUser', { id }, 'POST')).json.enableuserresponse.user.state).toBe('enabled');
    expect((await checkedLogin('guess-target', 'right-password')).status).toBe(200);
  }, 60_000);

  it('a successful login resets the count', async () => {
    const id = await newUser('typo-prone');
    for (let i = 0; i < 4; i++) await checkedFailure('typo-prone');
    expect((await checkedLogin('typo-prone', 'right-password')).status).toBe(200);
    for (let i = 0; i < 4; i++) await checkedFailure('typo-prone');
    expect(await userState(id)).toBe('enabled');
  }, 60_000);

  it('60 wrong passwords at once from one address: only a few are checked, the user is not locked, and the rest are told to wait', async () => {
    const id = await newUser('burst-target');
    const answers = await Promise.all(Array.from({ length: 60 }, () => login('burst-target', 'wrong-password')));
    expect(answers.every((a) => a.status === 531)).toBe(true);
    const throttled = answers.filter((a) => /Too many failed logins from this address: try again in \d+ s/.test(a.text));
    expect(throttled.length).toBeGreaterThanOrEqual(55);
    expect(await userState(id)).toBe('enabled');
    const row = await t.core.svc.db.selectFrom('users').select('login_attempts').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.login_attempts).toBeLessThan(5);
  }, 60_000);
});
