// Page object for the Infrastructure area: the six lists, a host's page, and the zone wizard. It finds things by
// role and accessible name (English UI), the way an operator reads the screen.
import { confirmAction } from './instances';
import { expect, type Locator, type Page } from '@playwright/test';

export type InfraTab = 'Zones' | 'Pods' | 'Clusters' | 'Hosts' | 'Primary storage' | 'Secondary storage';

export interface ZoneWizardInput {
  zone: { name: string; dns1?: string; internalDns1?: string; networkType?: 'Advanced' | 'Basic'; guestCidr?: string };
  /** The physical network's public range (Advanced zones; defaults to TEST-NET-2 addresses) and guest VLAN range. */
  network?: { publicGateway?: string; publicStart?: string; publicEnd?: string; guestVlan?: string };
  /** The network step's notice that this server's own KVM VMs get lab-only user-mode networking, and its reason. */
  userModeNotice?: string;
  pod: { name: string; gateway: string; netmask?: string; startIp: string; endIp: string };
  /** Hypervisor defaults to what the wizard preselects (Simulator when the server has it). */
  cluster: { name: string; hypervisor?: string };
  /** Simulator: url like http://sim-1/?cpunumber=8&cpuspeed=2000&memory=16384 (no credentials needed). */
  host: { url: string; username?: string; password?: string };
  primary: { name: string; url: string; scope?: 'Cluster' | 'Zone' };
  secondary: { url: string; name?: string };
  /** Press "Enable zone" at the end (default true). */
  enable?: boolean;
}

/** Every wizard step is an API call; a simulated host connects at once, but leave room for slow machines. */
const LAUNCH_TIMEOUT = 60_000;

export class InfrastructurePage {
  constructor(readonly page: Page) {}

  get heading(): Locator { return this.page.getByRole('heading', { level: 1 }); }

  /** The current tab's table (virtualized: only rows in view are in the DOM). */
  table(tab: InfraTab): Locator { return this.page.getByRole('grid', { name: tab }); }

  /** A row of the current table by visible text (e.g. a host name). */
  row(tab: InfraTab, text: string): Locator { return this.table(tab).getByRole('row').filter({ hasText: text }); }

  /** Opens a tab from the sidebar and the tab strip; filters go in the route query (zoneid, podid, clusterid, state...). */
  async open(tab: InfraTab = 'Zones', filters: Record<string, string> = {}) {
    await this.page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Infrastructure' }).click();
    await this.page.getByRole('tab', { name: tab, exact: true }).click();
    if (Object.keys(filters).length) {
      const hash = await this.page.evaluate(() => location.hash.split('?')[0]);
      await this.page.evaluate((h) => { location.hash = h; }, `${hash}?${new URLSearchParams(filters)}`);
    }
    await expect(this.page.getByRole('tab', { name: tab, exact: true })).toHaveAttribute('aria-selected', 'true');
    await expect(this.table(tab)).toBeVisible();
  }

  /** Server-side name search of the current tab. */
  async search(text: string) {
    await this.page.getByLabel('Search', { exact: true }).fill(text);
  }

  /** Selects rows by text and runs an action bar button (Enable, Disable, Reconnect, Delete). Confirms Delete in the console's confirmation dialog. */
  async act(tab: InfraTab, names: string[], action: 'Enable' | 'Disable' | 'Reconnect' | 'Delete' | 'Enter maintenance' | 'Cancel maintenance') {
    for (const n of names) await this.row(tab, n).getByRole('checkbox', { name: 'select row' }).check();
    await this.page.getByRole('toolbar').getByRole('button', { name: action, exact: true }).click();
    if (action === 'Delete' || action === 'Enter maintenance') await confirmAction(this.page, action);
  }

  /** Opens a host's page from the Hosts tab. */
  async openHost(name: string) {
    await this.open('Hosts');
    await this.search(name);
    await this.row('Hosts', name).getByText(name, { exact: true }).first().click();
    await expect(this.heading).toContainText(name);
  }

  /**
   * Builds a zone with the guided wizard: fills each page by its labels, presses Next, then "Launch zone" and
   * waits for every step to finish. Throws with the server's error text if a step fails. Optionally enables it.
   */
  async createZoneWithWizard(z: ZoneWizardInput) {
    const p = this.page;
    const next = () => p.getByRole('button', { name: 'Next', exact: true }).click();
    await this.open('Zones');
    await p.getByRole('button', { name: 'Add zone' }).click();
    await expect(this.heading).toHaveText('Add zone');

    await p.getByLabel('Zone name', { exact: true }).fill(z.zone.name);
    await p.getByRole('radio', { name: z.zone.networkType ?? 'Advanced' }).check();
    await p.getByLabel('DNS 1', { exact: true }).fill(z.zone.dns1 ?? '8.8.8.8');
    await p.getByLabel('Internal DNS 1', { exact: true }).fill(z.zone.internalDns1 ?? '10.0.0.2');
    if ((z.zone.networkType ?? 'Advanced') === 'Advanced' && z.zone.guestCidr) await p.getByLabel('Guest CIDR').fill(z.zone.guestCidr);
    await next();

    if (z.userModeNotice) await expect(p.getByRole('note')).toContainText(z.userModeNotice);
    if ((z.zone.networkType ?? 'Advanced') === 'Advanced') {
      if (z.network?.guestVlan) await p.getByLabel('Guest VLAN range', { exact: true }).fill(z.network.guestVlan);
      await p.getByLabel('Public gateway', { exact: true }).fill(z.network?.publicGateway ?? '198.51.100.1');
      await p.getByLabel('Public start IP', { exact: true }).fill(z.network?.publicStart ?? '198.51.100.10');
      await p.getByLabel('Public end IP', { exact: true }).fill(z.network?.publicEnd ?? '198.51.100.99');
    }
    await next();

    await p.getByLabel('Pod name', { exact: true }).fill(z.pod.name);
    await p.getByLabel('Gateway', { exact: true }).fill(z.pod.gateway);
    await p.getByLabel('Netmask', { exact: true }).fill(z.pod.netmask ?? '255.255.255.0');
    await p.getByLabel('Start IP', { exact: true }).fill(z.pod.startIp);
    await p.getByLabel('End IP', { exact: true }).fill(z.pod.endIp);
    await next();

    await p.getByLabel('Cluster name', { exact: true }).fill(z.cluster.name);
    const hv = p.getByLabel('Hypervisor', { exact: true });
    await expect(hv).not.toHaveValue('');
    if (z.cluster.hypervisor) await hv.selectOption(z.cluster.hypervisor);
    await next();

    await p.getByLabel('Host URL', { exact: true }).fill(z.host.url);
    if (z.host.username) await p.getByLabel('Username', { exact: true }).fill(z.host.username);
    if (z.host.password) await p.getByLabel('Password', { exact: true }).fill(z.host.password);
    await next();

    await p.getByLabel('Primary storage name', { exact: true }).fill(z.primary.name);
    await p.getByLabel('Primary storage URL', { exact: true }).fill(z.primary.url);
    await p.getByLabel('Scope', { exact: true }).selectOption({ label: z.primary.scope ?? 'Cluster' });
    await next();

    await p.getByLabel('Secondary storage URL', { exact: true }).fill(z.secondary.url);
    if (z.secondary.name) await p.getByLabel('Secondary storage name', { exact: true }).fill(z.secondary.name);
    await next();

    await expect(p.getByRole('heading', { name: 'Review' })).toBeVisible();
    await p.getByRole('button', { name: 'Launch zone' }).click();
    await this.waitForLaunch();
    if (z.enable ?? true) {
      await p.getByRole('button', { name: 'Enable zone' }).click();
      await expect(p.getByText(/is ready and enabled/)).toBeVisible({ timeout: LAUNCH_TIMEOUT });
    }
  }

  /** Waits until the launch finished; on a failed step, throws with its error text (shown under the step). */
  async waitForLaunch() {
    const progress = this.page.getByRole('region', { name: 'Launch progress' });
    const ready = this.page.getByText(/is ready/);
    const failed = progress.getByRole('alert');
    await expect(ready.or(failed).first()).toBeVisible({ timeout: LAUNCH_TIMEOUT });
    if (await failed.count()) throw new Error(`zone wizard step failed: ${await failed.first().textContent()}`);
  }
}
