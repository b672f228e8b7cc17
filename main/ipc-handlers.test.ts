// The window channels act on the sender's own window; the keyboard grab used by VM consoles toggles the menu
// accelerators, and a malformed request is refused by the contract before any handler runs.
import { describe, it, expect } from 'vitest';
import { createHandlers, type WindowOps } from './ipc-handlers';
import { validateRequest } from './ipc-contract';

function fakeWindow() {
  const calls: string[] = [];
  const w: WindowOps = {
    ignoreMenuShortcuts: (i) => calls.push(`ignore:${i}`),
    minimize: () => calls.push('minimize'), isMaximized: () => false, maximize: () => calls.push('maximize'),
    unmaximize: () => calls.push('unmaximize'), close: () => calls.push('close'),
  };
  return { w, calls };
}

describe('window channels', () => {
  it('keyboard grab on and off reach the sender window', async () => {
    const { w, calls } = fakeWindow();
    const sender = {};
    const h = createHandlers({ connections: {} as never, consoles: {} as never, appInfo: () => ({}) as never, windowOf: (s) => (s === sender ? w : null) });
    await h['window:setKeyboardGrab']({ grab: 'on' }, { sender } as never);
    await h['window:setKeyboardGrab']({ grab: 'off' }, { sender } as never);
    expect(calls).toEqual(['ignore:true', 'ignore:false']);
    await expect(async () => h['window:setKeyboardGrab']({ grab: 'on' }, { sender: {} } as never)).rejects.toThrow('no window');
  });

  it('the contract refuses a grab request that is not on/off', () => {
    expect(validateRequest('window:setKeyboardGrab', { grab: 'on' })).toBeNull();
    expect(validateRequest('window:setKeyboardGrab', { grab: true })).toMatch(/grab/);
    expect(validateRequest('window:setKeyboardGrab', {})).toMatch(/grab/);
  });
});
