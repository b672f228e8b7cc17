// Page object for the Accounts area: creating accounts (with their first user) and API keys.
// Locators are roles and labels only, the same names an operator reads on screen.
import { expect, type Page } from '@playwright/test';

export interface NewAccount {
  username: string;
  password: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  /** Account name; the username when absent. */
  accountName?: string;
  /** Domain path as the picker shows it, e.g. 'ROOT' or 'ROOT/Engineering'. Default: the caller's top domain. */
  domain?: string;
  /** Role name, e.g. 'User' (default, a plain user account) or 'Domain Admin'. */
  role?: string;
}

export async function openAccounts(page: Page, tab: 'Domains' | 'Accounts' | 'Users' | 'Roles' = 'Accounts') {
  await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Accounts' }).click();
  await page.getByRole('tab', { name: tab }).click();
}

/** Creates an account through the dialog (the built-in User role unless `role` says otherwise). */
export async function createUserAccount(page: Page, a: NewAccount) {
  await openAccounts(page, 'Accounts');
  await page.getByRole('button', { name: 'Create account' }).click();
  const dlg = page.getByRole('dialog', { name: 'Create account' });
  await dlg.getByLabel('Username', { exact: true }).fill(a.username);
  await dlg.getByLabel('Password', { exact: true }).fill(a.password);
  await dlg.getByLabel('Confirm password', { exact: true }).fill(a.password);
  await dlg.getByLabel('Email', { exact: true }).fill(a.email ?? `${a.username}@example.org`);
  await dlg.getByLabel('First name', { exact: true }).fill(a.firstName ?? a.username);
  await dlg.getByLabel('Last name', { exact: true }).fill(a.lastName ?? 'User');
  if (a.accountName) await dlg.getByLabel('Account name', { exact: true }).fill(a.accountName);
  if (a.domain) await dlg.getByLabel('Domain', { exact: true }).selectOption({ label: a.domain });
  if (a.role) {
    const role = dlg.getByLabel('Role', { exact: true });
    // Options read "<name> (<type>)".
    const label = (await role.getByRole('option').allTextContents()).find((o) => o === a.role || o.startsWith(`${a.role} (`));
    if (!label) throw new Error(`no role named ${a.role}`);
    await role.selectOption({ label });
  }
  await dlg.getByRole('button', { name: 'Create account' }).click();
  await expect(dlg).toBeHidden();
  await expect(page.getByRole('grid', { name: 'Accounts' }).getByText(a.accountName ?? a.username, { exact: true })).toBeVisible();
}

/** Generates API keys for a user from the Users tab; returns them as the dialog shows them (once). */
export async function generateApiKeys(page: Page, username: string): Promise<{ apiKey: string; secretKey: string }> {
  await openAccounts(page, 'Users');
  await page.getByLabel('Search', { exact: true }).fill(username);
  await page.getByRole('grid', { name: 'Users' }).getByText(username, { exact: true }).first().click();
  await page.getByRole('button', { name: 'Generate keys' }).click();
  await page.getByRole('dialog', { name: 'Generate keys', exact: true }).locator('[data-confirm]').click(); // "Generate new keys for …?"

  const dlg = page.getByRole('dialog', { name: `Generate keys: ${username}` });
  await expect(dlg.getByRole('button', { name: 'Copy secret key' })).toBeVisible();
  const apiKey = (await dlg.getByLabel('API key', { exact: true }).innerText()).trim();
  const secretKey = (await dlg.getByLabel('Secret key', { exact: true }).innerText()).trim();
  await dlg.getByRole('button', { name: 'Close', exact: true }).click();
  return { apiKey, secretKey };
}
