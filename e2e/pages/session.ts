// Signing in and out of the browser console.
import { expect, type Page } from '@playwright/test';

export async function signIn(page: Page, url: string, username: string, password: string, domain = '/') {
  await page.goto(url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Domain').fill(domain);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'main' })).toBeVisible();
  // The shell opens its first area right after it appears: a route set before that would be replaced.
  await expect(page).toHaveURL(/#\/[a-z]/);
}

/** Creates an account through the API (as admin, with a session) — test setup, not what the test checks. */
export async function apiAsAdmin(url: string, password: string) {
  const login = await fetch(`${url}/client/api`, { method: 'POST', body: new URLSearchParams({ command: 'login', username: 'admin', password, response: 'json' }) });
  const key = (await login.json()).loginresponse.sessionkey as string;
  return async (command: string, params: Record<string, string> = {}) => {
    const r = await fetch(`${url}/client/api`, { method: 'POST', body: new URLSearchParams({ command, response: 'json', sessionkey: key, ...params }) });
    const body = await r.json();
    const inner = body[Object.keys(body)[0]];
    if (r.status !== 200) throw new Error(`${command}: ${inner.errortext}`);
    return inner;
  };
}
