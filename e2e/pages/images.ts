// Page object for the Images area (templates and ISOs): registering from a URL and waiting for the download.
// Locators are roles and labels only, the same names an operator reads on screen.
import { expect, type Page } from '@playwright/test';

export interface TemplateSpec {
  name: string;
  url: string;
  displayText?: string;
  /** Zone name, or 'All zones'. Default: the preselected zone (one-zone clouds), else all zones. */
  zone?: string;
  /** QCOW2 (default), RAW, VHD, VHDX, OVA, VMDK. */
  format?: string;
  /** Default: the first hypervisor listHypervisors offers. */
  hypervisor?: string;
  /** OS type description, e.g. 'Debian GNU/Linux 12 (64-bit)'. Default: Other (64-bit). */
  osType?: string;
  public?: boolean;
  /** Administrators only. */
  featured?: boolean;
  checksum?: string;
}

export type IsoSpec = Omit<TemplateSpec, 'format' | 'hypervisor'> & { bootable?: boolean };

export async function openImages(page: Page, tab: 'Templates' | 'ISOs' = 'Templates') {
  await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Images' }).click();
  await page.getByRole('tab', { name: tab }).click();
  await expect(page.getByRole('grid', { name: tab })).toBeVisible();
}

async function fillImageForm(page: Page, title: string, spec: TemplateSpec | IsoSpec) {
  const dlg = page.getByRole('dialog', { name: title });
  await expect(dlg).toBeVisible();
  await dlg.getByLabel('Name', { exact: true }).fill(spec.name);
  if (spec.displayText) await dlg.getByLabel('Display text', { exact: true }).fill(spec.displayText);
  await dlg.getByLabel('URL', { exact: true }).fill(spec.url);
  const zone = dlg.getByLabel('Zone', { exact: true });
  if (spec.zone) await zone.selectOption({ label: spec.zone });
  else if (!(await zone.inputValue())) await zone.selectOption({ label: 'All zones' });
  if (spec.osType) await dlg.getByLabel('OS type', { exact: true }).selectOption({ label: spec.osType });
  if ('format' in spec && spec.format) await dlg.getByLabel('Format', { exact: true }).selectOption(spec.format);
  if ('hypervisor' in spec && spec.hypervisor) await dlg.getByLabel('Hypervisor', { exact: true }).selectOption(spec.hypervisor);
  if (spec.checksum) await dlg.getByLabel('Checksum', { exact: true }).fill(spec.checksum);
  if (spec.public !== undefined) await dlg.getByRole('checkbox', { name: 'Public', exact: true }).setChecked(spec.public);
  if (spec.featured !== undefined) await dlg.getByRole('checkbox', { name: 'Featured', exact: true }).setChecked(spec.featured);
  if ('bootable' in spec && spec.bootable !== undefined) await dlg.getByRole('checkbox', { name: 'Bootable', exact: true }).setChecked(spec.bootable);
  await dlg.getByRole('button', { name: 'Register', exact: true }).click();
  // The dialog turns into the live download view once the server accepts the image.
  await expect(page.getByRole('dialog', { name: 'Download progress' })).toBeVisible();
}

/** Registers a template through the dialog; resolves when the server accepted it (the download may still run). */
export async function registerTemplate(page: Page, spec: TemplateSpec) {
  await openImages(page, 'Templates');
  await page.getByRole('button', { name: 'Register template' }).click();
  await fillImageForm(page, 'Register template', spec);
}

export async function registerIso(page: Page, spec: IsoSpec) {
  await openImages(page, 'ISOs');
  await page.getByRole('button', { name: 'Register ISO' }).click();
  await fillImageForm(page, 'Register ISO', spec);
}

/** The download's status text as the progress dialog shows it (e.g. "35% Downloaded"), per zone. */
export async function downloadStatus(page: Page): Promise<string[]> {
  const dlg = page.getByRole('dialog', { name: 'Download progress' });
  return dlg.getByRole('list', { name: 'Zone copies' }).getByRole('listitem').allInnerTexts();
}

/**
 * Waits until every zone copy of the image called `name` is Ready in the list (rows poll themselves every 2 s).
 * Closes the progress dialog first if it is open.
 */
export async function waitReady(page: Page, name: string, opts: { tab?: 'Templates' | 'ISOs'; timeout?: number } = {}) {
  const tab = opts.tab ?? 'Templates';
  const progress = page.getByRole('dialog', { name: 'Download progress' });
  if (await progress.isVisible()) await progress.getByRole('button', { name: 'Close', exact: true }).click();
  const grid = page.getByRole('grid', { name: tab });
  if (!(await grid.isVisible())) await openImages(page, tab);
  await page.getByLabel('Search', { exact: true }).fill(name);
  const rows = grid.getByRole('row').filter({ has: page.getByText(name, { exact: true }) });
  await expect(rows.first()).toBeVisible();
  await expect.poll(async () => {
    const all = await rows.count();
    const ready = await rows.filter({ has: page.getByText('Ready', { exact: true }) }).count();
    return all > 0 && ready === all;
  }, { timeout: opts.timeout ?? 60_000, message: `${name} did not become Ready` }).toBe(true);
}
