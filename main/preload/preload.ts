// The only bridge between the sandboxed renderer and main (bundled to dist/main/preload.cjs: sandboxed preloads
// cannot load modules). It exposes `window.strata`: one narrow function per contract channel, generated from the
// contract's allow-list, and a guarded `on` for events. Never `ipcRenderer` itself, never the IPC event objects.
import { contextBridge, ipcRenderer } from 'electron';
import { buildBridge } from '../ipc-contract';

contextBridge.exposeInMainWorld('strata', buildBridge({
  invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
  subscribe: (channel, listener) => {
    const forward = (_event: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => { ipcRenderer.removeListener(channel, forward); };
  },
}));
