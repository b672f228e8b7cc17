// Keysyms and key combos for the console, and the plan of keystrokes for "Type text".
//
// Why every stroke carries a physical key code as well as a keysym: QEMU's VNC server takes the QEMU extended key
// event (which noVNC sends whenever it has a code) and uses the scancode alone, so "$" must arrive as Shift + the
// "4" key, exactly as an operator's keyboard would send it. Servers without that extension map the keysym with
// their keymap instead, which also needs Shift held for shifted characters. The table assumes the guest uses a US
// layout (the common default for server images); characters outside it are sent as keysyms only.

/** X11 keysyms of the non-character keys we send. */
export const KS = {
  BackSpace: 0xff08, Tab: 0xff09, Return: 0xff0d, Escape: 0xff1b, Delete: 0xffff, Print: 0xff61, Insert: 0xff63,
  Home: 0xff50, End: 0xff57, PageUp: 0xff55, PageDown: 0xff56, Left: 0xff51, Up: 0xff52, Right: 0xff53, Down: 0xff54,
  Shift_L: 0xffe1, Control_L: 0xffe3, Alt_L: 0xffe9, Super_L: 0xffeb, F1: 0xffbe,
} as const;

export interface Key { keysym: number; code: string | null }

export const KEY = {
  shift: { keysym: KS.Shift_L, code: 'ShiftLeft' },
  ctrl: { keysym: KS.Control_L, code: 'ControlLeft' },
  alt: { keysym: KS.Alt_L, code: 'AltLeft' },
  meta: { keysym: KS.Super_L, code: 'MetaLeft' },
  enter: { keysym: KS.Return, code: 'Enter' },
  tab: { keysym: KS.Tab, code: 'Tab' },
  escape: { keysym: KS.Escape, code: 'Escape' },
  del: { keysym: KS.Delete, code: 'Delete' },
  backspace: { keysym: KS.BackSpace, code: 'Backspace' },
  print: { keysym: KS.Print, code: 'PrintScreen' },
} satisfies Record<string, Key>;

/** F1..F12. */
export function fKey(n: number): Key {
  return { keysym: KS.F1 + n - 1, code: `F${n}` };
}

/** A combo from the key menu: keys pressed in order, released in reverse. */
export interface Combo { id: string; label: string; keys: Key[] }

export function comboList(): Combo[] {
  const ca = (n: number): Combo => ({ id: `ctrl-alt-f${n}`, label: `Ctrl+Alt+F${n}`, keys: [KEY.ctrl, KEY.alt, fKey(n)] });
  return [
    { id: 'ctrl-alt-del', label: 'Ctrl+Alt+Del', keys: [KEY.ctrl, KEY.alt, KEY.del] },
    { id: 'ctrl-alt-backspace', label: 'Ctrl+Alt+Backspace', keys: [KEY.ctrl, KEY.alt, KEY.backspace] },
    ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(ca),
    { id: 'alt-tab', label: 'Alt+Tab', keys: [KEY.alt, KEY.tab] },
    { id: 'alt-f4', label: 'Alt+F4', keys: [KEY.alt, fKey(4)] },
    { id: 'alt-f2', label: 'Alt+F2', keys: [KEY.alt, fKey(2)] },
    { id: 'ctrl-esc', label: 'Ctrl+Esc', keys: [KEY.ctrl, KEY.escape] },
    { id: 'super', label: 'Super (Windows)', keys: [KEY.meta] },
    { id: 'print', label: 'PrintScreen', keys: [KEY.print] },
    { id: 'escape', label: 'Esc', keys: [KEY.escape] },
    { id: 'ctrl-c', label: 'Ctrl+C', keys: [KEY.ctrl, { keysym: 0x63, code: 'KeyC' }] },
  ];
}

/** One key press (down + up) of "Type text". */
export interface Stroke { keysym: number; code: string | null; shift: boolean }

const UNSHIFTED: Record<string, string> = {
  ' ': 'Space', '-': 'Minus', '=': 'Equal', '[': 'BracketLeft', ']': 'BracketRight', '\\': 'Backslash', ';': 'Semicolon',
  "'": 'Quote', ',': 'Comma', '.': 'Period', '/': 'Slash', '`': 'Backquote',
};
const SHIFTED: Record<string, string> = {
  '!': 'Digit1', '@': 'Digit2', '#': 'Digit3', '$': 'Digit4', '%': 'Digit5', '^': 'Digit6', '&': 'Digit7', '*': 'Digit8',
  '(': 'Digit9', ')': 'Digit0', '_': 'Minus', '+': 'Equal', '{': 'BracketLeft', '}': 'BracketRight', '|': 'Backslash',
  ':': 'Semicolon', '"': 'Quote', '<': 'Comma', '>': 'Period', '?': 'Slash', '~': 'Backquote',
};

/** The keysym of a character: Latin-1 is its code point, the rest of Unicode is 0x01000000 + code point. */
export function keysymOf(ch: string): number {
  const cp = ch.codePointAt(0)!;
  return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) ? cp : 0x01000000 + cp;
}

/** The strokes that type `ch` on a US layout. */
export function strokeOf(ch: string): Stroke {
  if (ch === '\n' || ch === '\r') return { keysym: KS.Return, code: 'Enter', shift: false };
  if (ch === '\t') return { keysym: KS.Tab, code: 'Tab', shift: false };
  const ks = keysymOf(ch);
  if (/^[a-z]$/.test(ch)) return { keysym: ks, code: `Key${ch.toUpperCase()}`, shift: false };
  if (/^[A-Z]$/.test(ch)) return { keysym: ks, code: `Key${ch}`, shift: true };
  if (/^[0-9]$/.test(ch)) return { keysym: ks, code: `Digit${ch}`, shift: false };
  if (UNSHIFTED[ch]) return { keysym: ks, code: UNSHIFTED[ch], shift: false };
  if (SHIFTED[ch]) return { keysym: ks, code: SHIFTED[ch], shift: true };
  return { keysym: ks, code: null, shift: false };
}

/** Strokes for a pasted text. CRLF counts as one Enter; other control characters are dropped. */
export function planStrokes(text: string): Stroke[] {
  const out: Stroke[] = [];
  const chars = [...text.replace(/\r\n/g, '\n')];
  for (const ch of chars) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 && ch !== '\n' && ch !== '\r' && ch !== '\t') continue;
    if (cp === 0x7f) continue;
    out.push(strokeOf(ch));
  }
  return out;
}

export type SendKey = (keysym: number, code: string | null, down?: boolean) => void;

/** Presses a combo: downs in order, ups in reverse. */
export function pressCombo(send: SendKey, keys: Key[]): void {
  for (const k of keys) send(k.keysym, k.code, true);
  for (const k of [...keys].reverse()) send(k.keysym, k.code, false);
}

/**
 * Types strokes one by one, waiting `delayMs` after each, so a slow guest (or a VNC server that drops keys it
 * gets in a burst) keeps up. Resolves with the number typed; stops early when `signal` aborts.
 */
export async function typeStrokes(send: SendKey, strokes: Stroke[], o: { delayMs: number; signal?: AbortSignal; onProgress?(done: number): void }): Promise<number> {
  let done = 0;
  for (const s of strokes) {
    if (o.signal?.aborted) break;
    if (s.shift) send(KS.Shift_L, 'ShiftLeft', true);
    send(s.keysym, s.code, true);
    send(s.keysym, s.code, false);
    if (s.shift) send(KS.Shift_L, 'ShiftLeft', false);
    done++;
    o.onProgress?.(done);
    if (o.delayMs > 0) await new Promise((r) => setTimeout(r, o.delayMs));
  }
  return done;
}
