// The native menu as plain data (Menu.buildFromTemplate takes it as is). Commands the renderer implements (command
// palette, new connection) are forwarded over the contract's `app:menuCommand` event channel.
import type { MenuCommand } from './ipc-contract';

type Role =
  | 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'selectAll' | 'reload' | 'forceReload' | 'toggleDevTools'
  | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'togglefullscreen' | 'minimize' | 'zoom' | 'close' | 'quit'
  | 'about' | 'hide' | 'hideOthers' | 'unhide' | 'front' | 'services';

export interface MenuItemTemplate {
  label?: string;
  role?: Role;
  accelerator?: string;
  type?: 'separator';
  click?: () => void;
  submenu?: MenuItemTemplate[];
}

export interface MenuDeps {
  isMac: boolean;
  isDev: boolean;
  appName: string;
  /** Sends a command to the focused window's renderer. */
  send(command: MenuCommand): void;
  openExternal(url: string): void;
}

export const HELP_URL = 'https://cloudstack.apache.org/api.html';

const sep: MenuItemTemplate = { type: 'separator' };

export function menuTemplate(d: MenuDeps): MenuItemTemplate[] {
  const macApp: MenuItemTemplate[] = d.isMac ? [{
    label: d.appName,
    submenu: [{ role: 'about' }, sep, { role: 'services' }, sep, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, sep, { role: 'quit' }],
  }] : [];
  return [
    ...macApp,
    {
      label: '&File',
      submenu: [
        { label: 'New Connection…', accelerator: 'CmdOrCtrl+Shift+N', click: () => d.send('newConnection') },
        sep,
        d.isMac ? { role: 'close' } : { role: 'quit', accelerator: 'Ctrl+Q' },
      ],
    },
    {
      label: '&Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, sep, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, sep, { role: 'selectAll' }],
    },
    {
      label: '&View',
      submenu: [
        { label: 'Command Palette…', accelerator: 'CmdOrCtrl+K', click: () => d.send('commandPalette') },
        sep,
        { role: 'reload' },
        { role: 'forceReload' },
        ...(d.isDev ? [{ role: 'toggleDevTools' } as MenuItemTemplate] : []),
        sep,
        { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' },
        sep,
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '&Window',
      submenu: d.isMac ? [{ role: 'minimize' }, { role: 'zoom' }, sep, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
    },
    {
      label: '&Help',
      submenu: [
        { label: 'CloudStack API Reference', click: () => d.openExternal(HELP_URL) },
        ...(d.isMac ? [] : [sep, { role: 'about' } as MenuItemTemplate]),
      ],
    },
  ];
}
