// Issue 10 item 7, "the renderer survives its own errors": one area that fails while rendering shows its error and a
// way to retry, while the sidebar, the top bar and the other areas keep working. The failure is made through the
// console's test hook (window.__STRATA_TEST_RENDER_ERROR__, set before the page loads; see TestRenderError.tsx).
import { test, expect } from '@playwright/test';
import { startLabServer, type LabServer } from './fixtures/server';
import { signIn } from './pages/session';

let lab: LabServer;
test.beforeAll(async () => { lab = await startLabServer(); });
test.afterAll(async () => { await lab?.stop(); });

test('a render error stays in its area, with a retry, while the rest of the console works', async ({ page }) => {
  const uncaught: string[] = [];
  page.on('pageerror', (e) => uncaught.push(e.message));
  await page.addInitScript(() => { (window as unknown as Record<string, unknown>).__STRATA_TEST_RENDER_ERROR__ = 'storage'; });
  await signIn(page, lab.url, 'admin', lab.adminPassword);
  const nav = page.getByRole('navigation', { name: 'main' });
  const content = page.locator('#content');

  await nav.getByRole('link', { name: 'Storage' }).click();
  const failed = content.getByRole('alert');
  await expect(failed).toContainText('This area failed to display');
  await expect(failed).toContainText('Test render error in storage');
  await expect(failed.getByRole('button', { name: 'Try again' })).toBeVisible();

  // The top bar still answers, and another area still renders.
  const jobs = page.getByRole('banner').getByRole('button', { name: 'Jobs' });
  await jobs.click();
  await expect(jobs).toHaveAttribute('aria-expanded', 'true');
  await jobs.click();
  await nav.getByRole('link', { name: 'Offerings' }).click();
  await expect(content.getByText('Small Instance').first()).toBeVisible();
  await expect(content.getByRole('alert')).toHaveCount(0);

  // Back to the broken area, the cause goes away, and Try again renders it.
  await nav.getByRole('link', { name: 'Storage' }).click();
  await expect(failed).toContainText('Test render error in storage');
  await page.evaluate(() => { delete (window as unknown as Record<string, unknown>).__STRATA_TEST_RENDER_ERROR__; });
  await failed.getByRole('button', { name: 'Try again' }).click();
  await expect(content.getByRole('alert')).toHaveCount(0);
  await expect(content.getByRole('heading').first()).toBeVisible();
  // React reports a caught render error on the console, never as an uncaught page error.
  expect(uncaught).toEqual([]);
});
