// Throwaway (not committed): screenshots of the limits editor and the wizard's groups step.
import { test, expect } from '@playwright/test';
import { startLabServer, type LabServer } from './fixtures/server';
import { signIn, apiAsAdmin } from './pages/session';

let lab: LabServer;
let aliceId = '';
test.beforeAll(async () => {
  test.setTimeout(180_000);
  lab = await startLabServer({ demo: true });
  const api = await apiAsAdmin(lab.url, lab.adminPassword);
  const a = (await api('createAccount', { username: 'alice', password: 'alice-pw', email: 'a@example.org', firstname: 'a', lastname: 'b', accounttype: '0' })).account;
  aliceId = a.id;
  await api('updateResourceLimit', { account: 'alice', domainid: a.domainid, resourcetype: '0', max: '5' });
  await api('updateResourceLimit', { account: 'alice', domainid: a.domainid, resourcetype: '8', max: '-1' });
  for (const [n, t, d] of [['spread-web', 'host anti-affinity', 'Web servers on different hosts'], ['db-pair', 'host affinity', ''], ['a-very-long-affinity-group-name-for-testing-overflow', 'host anti-affinity', 'A rather long description that should wrap or be cut nicely in the wizard list']]) {
    const j = await api('createAffinityGroup', { name: n, type: t, ...(d ? { description: d } : {}) });
    await expect.poll(async () => (await api('queryAsyncJobResult', { jobid: j.jobid })).jobstatus).toBe(1);
  }
  await api('createInstanceGroup', { name: 'web' });
  await api('createInstanceGroup', { name: 'databases' });
});
test.afterAll(async () => { await lab?.stop(); });

for (const [w, h] of [[1440, 900], [1024, 700]]) {
  for (const lang of ['en', 'zh-CN']) {
    for (const theme of ['light', 'dark']) {
      test(`shots ${w} ${lang} ${theme}`, async ({ page }) => {
        await page.setViewportSize({ width: w, height: h });
        await signIn(page, lab.url, 'admin', lab.adminPassword);
        await page.evaluate(([l, t]) => localStorage.setItem('strata.ui', JSON.stringify({ language: l, theme: t })), [lang, theme]);
        await page.evaluate((id) => { location.hash = `#/accounts/accounts/${id}`; }, aliceId);
        await page.reload();
        const table = page.locator('.limits-table');
        await expect(table).toBeVisible();
        await table.locator('tbody tr').first().getByRole('button').click();
        await table.locator('tbody tr').first().locator('input').fill('abc');
        await table.locator('tbody tr').first().locator('button[type=submit]').click();
        await table.scrollIntoViewIfNeeded();
        await page.screenshot({ path: `/tmp/i19u-shots/limits-${w}-${lang}-${theme}.png` });
        await table.locator('tbody tr').nth(11).scrollIntoViewIfNeeded();
        await page.screenshot({ path: `/tmp/i19u-shots/limits-b-${w}-${lang}-${theme}.png` });
        await page.evaluate(() => { location.hash = '#/instances'; });
        await page.locator('.page-head button.primary, button.primary').first().click();
        const dialog = page.getByRole('dialog');
        for (let i = 0; i < 6; i++) {
          const title = await dialog.locator('.wiz-title').textContent();
          if (title === 'Groups' || title === '分组') break;
          await dialog.locator('.wiz-choice').first().click();
          await dialog.locator('.dialog-foot button.primary').click();
        }
        await dialog.locator('input[list]').fill('web-new');
        await dialog.locator('.wiz-affinity .wiz-choice').first().click();
        await dialog.locator('.wiz-affinity .wiz-choice').nth(2).click();
        await page.screenshot({ path: `/tmp/i19u-shots/wizard-${w}-${lang}-${theme}.png` });
        await dialog.locator('.dialog-foot button.primary').click();
        await dialog.locator('.dialog-foot button.primary').click();
        await page.screenshot({ path: `/tmp/i19u-shots/review-${w}-${lang}-${theme}.png` });
        await page.keyboard.press('Escape');
        await page.screenshot({ path: `/tmp/i19u-shots/list-${w}-${lang}-${theme}.png` });
        const over = await page.evaluate(() => { const g = document.querySelector('[role=grid]'); return g ? [g.scrollWidth, g.clientWidth] : null; });
        console.log('grid', w, lang, JSON.stringify(over));
        await page.evaluate(() => { location.hash = '#/groups'; });
        await page.waitForTimeout(800);
        await page.screenshot({ path: `/tmp/i19u-shots/groups-${w}-${lang}-${theme}.png` });
      });
    }
  }
}
