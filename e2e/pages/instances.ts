// Page object for the Instances area (list, filters, bulk actions, deploy wizard, one VM's page). It finds things
// the way an operator does: by role and accessible name (English UI), never by CSS class.
import { expect, type Locator, type Page } from '@playwright/test';

export interface DeployOptions {
  zone: string;
  template: string;
  offering: string;
  /** Disk offering of an extra data disk; none when absent. */
  diskOffering?: string;
  /** Networks to connect, the first the default NIC; none: the account's default network. */
  networks?: string[];
  name: string;
  displayName?: string;
  /** Instance group (an existing one or a new name) and affinity groups, on the groups step. */
  group?: string;
  affinityGroups?: string[];
}

/** Actions that ask first, in the console's one confirmation dialog (titled with the action). */
const CONFIRMED = new Set(['Stop', 'Reboot', 'Destroy', 'Expunge', 'Detach']);

/** Confirms the console's confirmation dialog for `action`, ticking the named options (e.g. 'Force stop'). */
export async function confirmAction(page: Page, action: string, options: string[] = []) {
  const dlg = page.getByRole('dialog', { name: action, exact: true });
  await expect(dlg).toBeVisible();
  for (const o of options) await dlg.getByRole('checkbox', { name: new RegExp(`^${escape(o)}`) }).check();
  await dlg.locator('[data-confirm]').click();
  await expect(dlg).toHaveCount(0);
}

/** VM deploys and state changes are async jobs: allow for them. */
const JOB_TIMEOUT = 60_000;

export class InstancesPage {
  constructor(readonly page: Page) {}

  /** The virtualized instances table. Only rows in view are in the DOM. */
  get table(): Locator { return this.page.getByRole('grid', { name: 'Instances' }); }

  /** The "N instances" / "N instances match" line under the title. */
  get total(): Locator { return this.page.getByRole('status').filter({ hasText: /\d instances?\b/ }); }

  /** The page's h1; on a VM's page: its display name and state badge (`expect(po.heading).toContainText('Running')`). */
  get heading(): Locator { return this.page.getByRole('heading', { level: 1 }); }

  /** Opens the list from the sidebar, then applies filters (as route query) when given. */
  async open(filters: Record<string, string> = {}) {
    await this.page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Instances' }).click();
    if (Object.keys(filters).length) {
      await this.page.evaluate((q) => { location.hash = `#/instances?${new URLSearchParams(q)}`; }, filters);
    }
    await expect(this.heading).toHaveText('Instances');
    await expect(this.total).toBeVisible();
  }

  /** Total count shown above the table. */
  async count(): Promise<number> {
    await expect(this.total).not.toHaveText(/Loading/);
    const text = (await this.total.textContent()) ?? '';
    return Number(text.replace(/[^\d]/g, ''));
  }

  /** Searches by name (server-side keyword); Enter applies without waiting for the debounce. */
  async search(text: string) {
    const box = this.page.getByRole('searchbox', { name: 'Search' });
    await box.fill(text);
    await box.press('Enter');
    await expect(this.page).toHaveURL(text ? /keyword=/ : /#\/instances(?!.*keyword=)/);
    await expect(this.total).not.toHaveText(/Loading/);
  }

  async filterState(state: string) {
    await this.page.getByRole('search', { name: 'Instance filters' }).getByLabel('State').selectOption(state);
    await expect(this.page).toHaveURL(state ? new RegExp(`state=${state}`) : /#\/instances(?!.*state=)/);
  }

  async filterZone(zoneName: string) {
    await this.page.getByLabel('Zone').selectOption({ label: zoneName });
    await expect(this.page).toHaveURL(/zoneid=/);
  }

  /** Admins: picks a host in the searchable host filter. */
  async filterHost(hostName: string) {
    const box = this.page.getByRole('combobox', { name: 'Host' });
    await box.fill(hostName);
    await this.page.getByRole('option', { name: new RegExp(`^${escape(hostName)}\\b`) }).first().click();
    await expect(this.page).toHaveURL(/hostid=/);
  }

  async clearFilters() {
    await this.page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expect(this.page).toHaveURL(/#\/instances$/);
  }

  /** The table row of a VM (must be in view: search for it first in a big list). */
  row(name: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }

  /** Ticks a VM's checkbox in the list. */
  async select(...names: string[]) {
    for (const n of names) await this.row(n).getByRole('checkbox', { name: 'select row' }).check();
  }

  /**
   * Runs a bulk action (Start, Stop, Reboot, Destroy...) on the selected VMs; accepts the confirmation of
   * the confirmation of those that ask. With several VMs a per-item result list opens: its items are returned and it is closed.
   */
  async bulk(action: string): Promise<string[]> {
    const region = this.page.getByRole('region', { name: 'Selected instances' });
    await region.getByRole('button', { name: action, exact: true }).click();
    if (CONFIRMED.has(action)) await confirmAction(this.page, action);
    // One VM: the selection clears when its job ends. Several: their per-item results open first, and closing
    // them clears the selection.
    const results = this.page.getByRole('dialog').filter({ hasText: action }).getByRole('listitem');
    await expect.poll(async () => (await region.count()) === 0 || (await results.count()) > 0, { timeout: JOB_TIMEOUT }).toBe(true);
    if (await results.count() === 0) return [];
    const items = await results.allTextContents();
    await this.page.getByRole('dialog').getByRole('button', { name: 'close' }).click();
    await expect(region).toHaveCount(0);
    return items;
  }

  /** Deploys through the wizard and waits until the new VM's page is open. */
  async deploy(o: DeployOptions) {
    await this.fillWizard(o);
    await this.finishDeploy(o);
  }

  /** Opens the wizard and goes through its steps up to the review. */
  async fillWizard(o: DeployOptions) {
    await this.page.getByRole('button', { name: 'Deploy', exact: true }).click();
    const dialog = this.page.getByRole('dialog');
    const next = () => dialog.getByRole('button', { name: 'Next' }).click();
    await dialog.getByRole('radio', { name: o.zone }).check();
    await next();
    await dialog.getByRole('radio', { name: o.template }).check();
    await next();
    await dialog.getByRole('radio', { name: o.offering }).check();
    await next();
    await dialog.getByRole('radio', { name: o.diskOffering ?? 'No data disk' }).check();
    await next();
    // The network step (where the caller may list networks).
    const nets = dialog.getByRole('group', { name: 'Networks to connect' });
    const title = dialog.locator('.wiz-title');
    await expect(title).not.toHaveText('Disk');
    if (await title.textContent() === 'Network') {
      for (const n of o.networks ?? []) await nets.getByRole('checkbox', { name: new RegExp(`^${n}\\b`) }).check();
      await next();
    }
    // The groups step (where the caller may list instance and affinity groups).
    await expect(title).not.toHaveText('Network');
    if (await title.textContent() === 'Groups') {
      if (o.group) await dialog.getByLabel('Instance group').fill(o.group);
      const aff = dialog.getByRole('group', { name: 'Affinity groups' });
      for (const a of o.affinityGroups ?? []) await aff.getByRole('checkbox', { name: new RegExp(`^${escape(a)}\\b`) }).check();
      await next();
    }
    await dialog.getByLabel('Name', { exact: true }).fill(o.name);
    if (o.displayName) await dialog.getByLabel('Display name').fill(o.displayName);
    await next();
    await expect(title).toHaveText('Review');
  }

  /** On the wizard's review step: Deploy, then wait until the new VM's page is open. */
  async finishDeploy(o: { name: string; displayName?: string }) {
    await this.page.getByRole('dialog').getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect(this.page).toHaveURL(/#\/instances\/[0-9a-f-]{36}/, { timeout: JOB_TIMEOUT });
    await expect(this.heading).toContainText(o.displayName ?? o.name);
  }

  /** Opens a VM's page from the list (searching for it, so it works in a list of any size). */
  async openVm(name: string) {
    await this.search(name);
    await this.row(name).getByRole('link', { name, exact: true }).click();
    await expect(this.page).toHaveURL(/#\/instances\/[0-9a-f-]{36}/);
    await expect(this.page.getByText(name, { exact: true }).first()).toBeVisible();
  }

  /** On a VM's page: runs an action from the header and waits for the VM to reach `until`. */
  async vmAction(action: string, until: string) {
    await this.page.getByRole('button', { name: action, exact: true }).click();
    if (CONFIRMED.has(action)) await confirmAction(this.page, action);
    await expect(this.heading).toContainText(until, { timeout: JOB_TIMEOUT });
  }

  stopVm() { return this.vmAction('Stop', 'Stopped'); }
  startVm() { return this.vmAction('Start', 'Running'); }
  rebootVm() { return this.vmAction('Reboot', 'Running'); }
  destroyVm() { return this.vmAction('Destroy', 'Destroyed'); }
  recoverVm() { return this.vmAction('Recover', 'Stopped'); }

  /** Expects a job with this label (e.g. "Stop VM web-1") to have succeeded in the jobs panel (closed again after, as it covers the page). */
  async expectJobSucceeded(label: string) {
    const panel = this.page.getByRole('complementary', { name: 'Jobs' });
    const wasOpen = await panel.isVisible();
    if (!wasOpen) await this.page.getByRole('button', { name: /^Jobs/ }).click();
    await expect(panel.getByRole('listitem').filter({ hasText: label }).first()).toContainText('succeeded', { timeout: JOB_TIMEOUT });
    if (!wasOpen) await this.page.getByRole('button', { name: /^Jobs/ }).click();
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
