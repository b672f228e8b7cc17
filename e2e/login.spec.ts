// Signing in to the browser console, and what a user account (not an admin) sees.
import { test, expect } from '@playwright/test';
import { startLabServer, type LabServer } from './fixtures/server';
import { signIn, apiAsAdmin } from './pages/session';

let lab: LabServer;
test.beforeAll(async () => { lab = await startLabServer({ demo: true }); });
test.afterAll(async () => { await lab.stop(); });

test('a wrong password is refused with the server\'s reason', async ({ page }) => {
  await page.goto(lab.url);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Failed to authenticate user admin');
});

test('the root admin sees every area including infrastructure', async ({ page }) => {
  await signIn(page, lab.url, 'admin', lab.adminPassword);
  const nav = page.getByRole('navigation', { name: 'main' });
  for (const area of ['Dashboard', 'Topology', 'Infrastructure', 'Instances', 'Accounts', 'Alerts']) {
    await expect(nav.getByRole('link', { name: area })).toBeVisible();
  }
});

test('a user account sees no infrastructure menus', async ({ page }) => {
  const api = await apiAsAdmin(lab.url, lab.adminPassword);
  await api('createAccount', { username: 'carol', password: 'carol-pw', email: 'c@example.org', firstname: 'Carol', lastname: 'U', accounttype: '0' });
  await signIn(page, lab.url, 'carol', 'carol-pw');
  const nav = page.getByRole('navigation', { name: 'main' });
  await expect(nav.getByRole('link', { name: 'Instances' })).toBeVisible();
  for (const area of ['Topology', 'Infrastructure', 'Alerts']) await expect(nav.getByRole('link', { name: area })).toHaveCount(0);
});
