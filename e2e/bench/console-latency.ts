// Console latency benchmark (issue 5, Performance) in Debian's Chromium against browser mode, with a real QEMU VM
// (the test guest at its shell prompt, on a lab server started with --kvm). Prints one JSON object:
//   open: from the click on "Console" (VM page) to the RFB session being connected, and to the first frame drawn
//         on the canvas (the canvas is no longer blank); the first, cold open (code download) is reported apart;
//   key:  from the keydown of Enter to the screen showing the shell's answer (a new prompt line: more than 150
//         pixels of the canvas changed; a blinking cursor changes about 20). The screen is cleared every 10 keys.
// p50 and p99 over SAMPLES runs (with 30 samples p99 is the worst but one). Run after `npm run build:renderer`:
//   node bin/run-ts.mjs e2e/bench/console-latency.ts
// STRATA_BENCH_URL=<url> STRATA_BENCH_VM=<id> STRATA_BENCH_VM_NAME=<name> reuse a running `lab-server.ts --kvm`.
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { startLabServer, type LabServer } from '../fixtures/server';

const SAMPLES = Number(process.env.STRATA_BENCH_SAMPLES ?? 30);
const REGION = '[role=region][aria-label^="Console of"]';

interface Times { click: number; connected: number; frame: number; down: number; drawn: number }
declare global { interface Window { __vmcBench: Times } }

const log = (msg: string) => process.stderr.write(`console-latency: ${msg}\n`);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)].toFixed(1);
};
const summary = (xs: number[]) => ({ p50: pct(xs, 50), p99: pct(xs, 99), min: +Math.min(...xs).toFixed(1), max: +Math.max(...xs).toFixed(1), n: xs.length });

async function lab(): Promise<LabServer> {
  const url = process.env.STRATA_BENCH_URL;
  if (url) return { url, adminPassword: 'e2e-admin-password', vmId: process.env.STRATA_BENCH_VM, vmName: process.env.STRATA_BENCH_VM_NAME ?? 'console-e2e', stop: async () => {} };
  log('starting a lab server with a QEMU VM (about 30 s)');
  return startLabServer({ kvm: true, timeoutMs: 300_000 });
}

/** Polls in the page (about every millisecond, not per animation frame, for resolution): connected state, first
 * non-blank canvas, and after a keydown the first canvas change of more than 150 pixels. */
function instrument() {
  const t: Times = { click: 0, connected: 0, frame: 0, down: 0, drawn: 0 };
  window.__vmcBench = t;
  let snap: Uint8ClampedArray | null = null;
  const pixels = (c: HTMLCanvasElement) => c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
  document.addEventListener('click', (e) => {
    if ((e.target as HTMLElement).closest('button')?.textContent === 'Console') t.click = performance.now();
  }, { capture: true });
  window.addEventListener('keydown', (e) => { if (e.key === 'Enter' && snap) t.down = performance.now(); }, { capture: true });
  (window as unknown as { vmcArm(): void }).vmcArm = () => {
    const c = document.querySelector<HTMLCanvasElement>('[role=region][aria-label^="Console of"] canvas')!;
    snap = pixels(c).slice();
    t.down = 0; t.drawn = 0;
  };
  const ch = new MessageChannel();
  ch.port1.onmessage = () => {
    const root = document.querySelector('[role=region][aria-label^="Console of"]');
    if (t.click && !t.connected && root?.getAttribute('data-state') === 'connected') t.connected = performance.now();
    const c = root?.querySelector('canvas');
    if (t.click && !t.frame && c && c.width > 0) {
      const d = pixels(c);
      for (let i = 4; i < d.length; i += 4) if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) { t.frame = performance.now(); break; }
    }
    if (t.down && !t.drawn && c && snap) {
      const d = pixels(c);
      let n = 0;
      for (let i = 0; i < d.length && n <= 150; i += 4) if (d[i] !== snap[i] || d[i + 1] !== snap[i + 1] || d[i + 2] !== snap[i + 2]) n++;
      if (n > 150) t.drawn = performance.now();
    }
    setTimeout(() => ch.port2.postMessage(0), 1);
  };
  ch.port2.postMessage(0);
}

async function openOnce(page: Page): Promise<{ connect: number; frame: number }> {
  await page.evaluate(() => { Object.assign(window.__vmcBench, { click: 0, connected: 0, frame: 0 }); });
  await page.getByRole('button', { name: 'Console', exact: true }).click();
  await page.waitForFunction(() => window.__vmcBench.frame > 0 && window.__vmcBench.connected > 0, undefined, { timeout: 30_000 });
  const t = await page.evaluate(() => window.__vmcBench);
  return { connect: t.connected - t.click, frame: t.frame - t.click };
}

async function closeConsole(page: Page) {
  await page.locator(REGION).getByRole('button', { name: /^Close console of/ }).click();
  await page.locator(REGION).waitFor({ state: 'detached' });
  await page.waitForTimeout(200);
}

const server = await lab();
const browser = await chromium.launch({ executablePath: process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  page.on('pageerror', (e) => log(`page error: ${e.message}`));
  // tsx (esbuild, keepNames) wraps named inner functions in __name(...); the page has no such helper.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.addInitScript(instrument);
  await page.goto(server.url);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(server.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'main' }).waitFor();
  await page.evaluate((id) => { location.hash = `#/instances/${id}`; }, server.vmId!);

  log(`opening the console ${SAMPLES + 1} times`);
  const cold = await openOnce(page);
  const opens: { connect: number; frame: number }[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    await closeConsole(page);
    opens.push(await openOnce(page));
  }

  log(`pressing Enter ${SAMPLES} times at the shell prompt`);
  await page.locator(`${REGION} canvas`).click();
  await page.waitForTimeout(500);
  const keys: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    // A full screen of identical prompts would scroll to the same picture: start from a cleared screen now and then.
    if (i % 10 === 0) { await page.keyboard.type('clear\n'); await page.waitForTimeout(600); }
    await page.evaluate(() => (window as unknown as { vmcArm(): void }).vmcArm());
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__vmcBench.drawn > 0, undefined, { timeout: 10_000 }).catch(async (e) => {
      await page.screenshot({ path: '/tmp/vmc/bench-fail.png' });
      log(`sample ${i}: ${JSON.stringify(await page.evaluate(() => window.__vmcBench))}`);
      throw e;
    });
    keys.push(await page.evaluate(() => window.__vmcBench.drawn - window.__vmcBench.down));
    await page.waitForTimeout(150);
  }

  log(`keystroke samples (ms, sorted): ${keys.map((k) => k.toFixed(0)).sort((a, b) => +a - +b).join(' ')}`);
  process.stdout.write(JSON.stringify({
    guest: 'Strata test guest, 96 MB, local KVM host (QEMU, TCG), VGA text console 720x400; browser mode on 127.0.0.1',
    openToConnectedMs: { cold: +cold.connect.toFixed(1), ...summary(opens.map((o) => o.connect)) },
    openToFirstFrameMs: { cold: +cold.frame.toFixed(1), ...summary(opens.map((o) => o.frame)) },
    keystrokeToScreenMs: summary(keys),
  }, null, 2) + '\n');
} finally {
  await browser.close();
  await server.stop();
}
