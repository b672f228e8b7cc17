// Page object for the Topology area: the canvas map (render timing, colouring, search) and the tree.
import { expect, type Locator, type Page } from '@playwright/test';

declare global { interface Window { __strataTopologyRendered?: number } }

export type Colouring = 'State' | 'CPU allocated' | 'Memory allocated';

export class TopologyPage {
  constructor(readonly page: Page) {}

  /** The map canvas; after its first complete draw it carries data-rendered-ms and data-hosts. */
  get canvas(): Locator { return this.page.getByTestId('topology-canvas'); }
  get searchBox(): Locator { return this.page.getByLabel('Find host or VM', { exact: true }); }
  get results(): Locator { return this.page.getByRole('complementary', { name: 'Search results' }); }
  /** Polite live region: "Showing <name> on the map" after a search result is picked. */
  get status(): Locator { return this.page.getByTestId('topology-status'); }
  get tree(): Locator { return this.page.getByRole('tree'); }

  /** Opens the map from the sidebar and waits for its first full draw. */
  async open() {
    await this.page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Topology' }).click();
    await this.page.getByRole('tab', { name: 'Map' }).click();
    await expect(this.canvas).toHaveAttribute('data-rendered-ms', /\d/, { timeout: 30_000 });
  }

  /**
   * Navigates to the map and returns how long it took until the first complete draw (hosts loaded, laid out and
   * painted), measured in the page with performance.now(): from the route change to window.__strataTopologyRendered.
   * Start from another area so the view mounts fresh.
   */
  async measureRenderMs(): Promise<number> {
    const t0 = await this.page.evaluate(() => { const t = performance.now(); location.hash = '#/topology'; return t; });
    await this.page.waitForFunction((t) => (window.__strataTopologyRendered ?? 0) > t, t0, { timeout: 30_000 });
    return this.page.evaluate((t) => window.__strataTopologyRendered! - t, t0);
  }

  async hostCount(): Promise<number> {
    return Number(await this.canvas.getAttribute('data-hosts'));
  }

  async colourBy(c: Colouring) {
    await this.page.getByLabel('Colour by', { exact: true }).selectOption({ label: c });
  }

  /** A legend entry (e.g. 'Up', 'Alert', '90+ %'); its accessible name ends with the number of hosts. */
  legendEntry(label: string): Locator {
    return this.page.getByRole('group', { name: 'Legend' }).getByRole('button', { name: new RegExp(`^${label}:`) });
  }

  /**
   * Finds a host or VM by name: types it in the search box, picks the exact match in the results (which pans and
   * zooms the map to it and rings a VM's dot), and waits for the "Showing <name>" status. Returns the result entry.
   */
  async findOnMap(name: string): Promise<Locator> {
    await this.searchBox.fill(name);
    const entry = this.results.getByRole('button', { name: new RegExp(`^${escapeRe(name)}\\b`) }).first();
    await expect(entry).toBeVisible({ timeout: 15_000 });
    await entry.click();
    await expect(this.status).toHaveText(`Showing ${name} on the map`);
    return entry;
  }

  /** The "Open" link next to a search result (host page or VM page). */
  openLinkFor(name: string): Locator {
    return this.results.getByRole('link', { name: `Open ${name}`, exact: true });
  }

  async showTree() {
    await this.page.getByRole('tab', { name: 'Tree' }).click();
    await expect(this.tree).toBeVisible();
  }

  /** A row of the tree (zone, pod, cluster, host or VM) by its name. */
  treeItem(name: string): Locator {
    return this.tree.getByRole('treeitem').filter({ has: this.page.getByText(name, { exact: true }) });
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
