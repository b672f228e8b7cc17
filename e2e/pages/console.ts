// Page object for a VM console (on a VM's page, in the Consoles workspace or the console page). Found by role and
// accessible name: the console is a region "Console of <vm>", its state a status inside it.
import { expect, type Locator, type Page } from '@playwright/test';

/** US-layout keys of the shifted characters (an operator holds Shift for these; so does this page object). */
const SHIFTED: Record<string, string> = {
  '!': 'Digit1', '@': 'Digit2', '#': 'Digit3', $: 'Digit4', '%': 'Digit5', '^': 'Digit6', '&': 'Digit7', '*': 'Digit8',
  '(': 'Digit9', ')': 'Digit0', _: 'Minus', '+': 'Equal', '{': 'BracketLeft', '}': 'BracketRight', '|': 'Backslash',
  ':': 'Semicolon', '"': 'Quote', '<': 'Comma', '>': 'Period', '?': 'Slash', '~': 'Backquote',
};

export class ConsolePo {
  constructor(readonly page: Page, readonly vmName: string) {}

  get region(): Locator { return this.page.getByRole('region', { name: `Console of ${this.vmName}` }); }
  /** The connection state ("Connected", "Connecting…", "Cannot connect"...). */
  get state(): Locator { return this.region.getByRole('status').first(); }
  get canvas(): Locator { return this.region.locator('canvas'); }
  button(name: string | RegExp): Locator { return this.region.getByRole('button', { name }); }

  /** Opens a VM's page by its id and clicks Console. */
  async openFromInstance(vmId: string) {
    await this.page.evaluate((id) => { location.hash = `#/instances/${id}`; }, vmId);
    await this.page.getByRole('button', { name: 'Console', exact: true }).click();
  }

  async expectConnected(timeout = 30_000) {
    await expect(this.state).toHaveText(/Connected/, { timeout });
    await expect(this.canvas).toBeVisible();
  }

  /** Clicks the screen (keyboard focus goes to the guest), then types as an operator would, Shift included. */
  async typeOnKeyboard(text: string) {
    await this.canvas.click();
    await expect(this.region).toContainText('Keys go to the VM');
    const kb = this.page.keyboard;
    for (const ch of text) {
      if (ch === '\n') await kb.press('Enter');
      else if (ch === ' ') await kb.press('Space');
      else if (/^[A-Z]$/.test(ch)) await kb.press(`Shift+Key${ch}`);
      else if (SHIFTED[ch]) await kb.press(`Shift+${SHIFTED[ch]}`);
      else await kb.press(ch);
    }
  }

  /** The "Type text" dialog: pastes a text that is sent as keystrokes; waits until all are sent. */
  async typeText(text: string) {
    await this.button('Type text').click();
    const dialog = this.page.getByRole('dialog', { name: `Type text into ${this.vmName}` });
    await dialog.getByLabel('Text to type').fill(text);
    await dialog.getByRole('button', { name: 'Type', exact: true }).click();
    await expect(dialog).toBeHidden({ timeout: 30_000 });
  }

  /** Sends a combination from the Keys menu. */
  async sendKeys(combo: string) {
    await this.button(/^Keys/).click();
    await this.page.getByRole('menuitem', { name: combo, exact: true }).click();
  }

  /** Remembers the guest's screen at its own resolution (whatever the scaling), for expectScreenChanged. */
  async snapshot() {
    await this.canvas.evaluate((c: HTMLCanvasElement) => {
      (c as unknown as { snap: Uint8ClampedArray }).snap = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.slice();
    });
  }

  /** Pixels that differ from the snapshot: a blinking text cursor changes a few dozen, a line of text hundreds. */
  async changedPixels(): Promise<number> {
    return this.canvas.evaluate((c: HTMLCanvasElement) => {
      const snap = (c as unknown as { snap?: Uint8ClampedArray }).snap;
      const now = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      if (!snap || snap.length !== now.length) return Number.MAX_SAFE_INTEGER;
      let n = 0;
      for (let i = 0; i < now.length; i += 4) if (now[i] !== snap[i] || now[i + 1] !== snap[i + 1] || now[i + 2] !== snap[i + 2]) n++;
      return n;
    });
  }

  async expectScreenChanged(minPixels = 200, timeout = 15_000) {
    await expect.poll(() => this.changedPixels(), { timeout }).toBeGreaterThan(minPixels);
  }
}
