// Electron main process (bundled to dist/main/main.cjs): single instance, one secure window, the app:// protocol,
// the IPC handlers, the native menu and the connections (embedded core in a utilityProcess + remote servers).
// Wiring only: every decision lives in a module that is unit-tested without Electron.
import { app, BrowserWindow, Menu, Notification, dialog, ipcMain, protocol, session, shell, screen, utilityProcess } from 'electron';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME_PRIVILEGES, hardenContents, installPermissionHandlers, serveAppProtocol,
} from './security';
import { registerHandlers, sendEvent, type SenderPolicy } from './ipc';
import { createHandlers } from './ipc-handlers';
import { ConsoleRelay } from './console-relay';
import { ConnectionManager } from './connections';
import { utilityProcessLauncher } from './core-launcher';
import { OsKeychainSecretStore } from './secret-store';
import { ensureKeychain, KEYCHAIN_CHOICES, type KeychainChoice, type KeychainPrompt } from './keychain-check';
import { menuTemplate } from './menu';
import { desktopAlertNotifier } from './alert-notifier';
import { fitToDisplays, loadWindowState, trackWindowState } from './window-state';
import type { EventChannel, EventPayload } from './ipc-contract';

const isDev = !app.isPackaged;
const paths = {
  preload: join(__dirname, 'preload.cjs'),
  coreProcess: join(__dirname, 'core-process.cjs'),
  renderer: join(__dirname, '..', 'renderer'),
};

// The same folder in development and when packaged (Electron would otherwise name it after the launcher).
app.setName('Strata');
app.setPath('userData', join(app.getPath('appData'), 'Strata'));
protocol.registerSchemesAsPrivileged(APP_SCHEME_PRIVILEGES);

const trusted = new WeakSet<object>();
const policy: SenderPolicy = { appOrigin: APP_ORIGIN, trusted };
let mainWindow: BrowserWindow | null = null;
let connections: ConnectionManager | null = null;
let consoles: ConsoleRelay | null = null;

function broadcast<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
  for (const w of BrowserWindow.getAllWindows()) {
    if (trusted.has(w.webContents)) sendEvent(w.webContents, event, payload);
  }
}

function openMainWindow(): void {
  const stateFile = join(app.getPath('userData'), 'window-state.json');
  const state = fitToDisplays(loadWindowState(stateFile), screen.getAllDisplays().map((d) => d.workArea));
  // The window's settings are written out here, at the one BrowserWindow call, so a reviewer and Electronegativity
  // read what the app really runs with. security.ts's windowWebPreferences is the policy they must equal
  // (main-smoke.test.ts checks the window this code opens against it).
  const win = new BrowserWindow({
    width: state.width, height: state.height, ...(state.x !== undefined ? { x: state.x, y: state.y } : {}),
    minWidth: 800, minHeight: 560, show: false, title: 'Strata', backgroundColor: '#1b1d22', autoHideMenuBar: false,
    webPreferences: {
      preload: paths.preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // Middle-click would open links in new windows; the window.open handler denies those anyway.
      disableBlinkFeatures: 'Auxclick',
      devTools: isDev,
    },
  });
  trusted.add(win.webContents); // IPC answers only senders recorded here
  trackWindowState(win, stateFile);
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => { if (mainWindow === win) mainWindow = null; });
  void win.loadURL(APP_ENTRY_URL);
  mainWindow = win;
}

function focusMainWindow(): void {
  if (!mainWindow) return openMainWindow();
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

/** The native "no OS keychain" question (see keychain-check.ts); closing the box counts as Quit. */
async function askAboutKeychain(p: KeychainPrompt): Promise<KeychainChoice> {
  const { response } = await dialog.showMessageBox({
    type: 'warning', title: p.title, message: p.message, detail: p.detail, buttons: p.buttons,
    defaultId: 0, cancelId: KEYCHAIN_CHOICES.indexOf('quit'), noLink: true,
  });
  return KEYCHAIN_CHOICES[response] ?? 'quit';
}

async function onReady(): Promise<void> {
  installPermissionHandlers(session.defaultSession, APP_ORIGIN);
  serveAppProtocol(protocol, paths.renderer, (p) => readFile(p));

  const secrets = new OsKeychainSecretStore();
  const keychain = await ensureKeychain(secrets, askAboutKeychain);
  if (keychain === 'quit') return app.quit();
  if (keychain === 'continue') console.warn('Strata: continuing without an OS keychain at the user\'s choice; connections that need a secret will fail until one answers.');

  connections = new ConnectionManager({
    dataDir: app.getPath('userData'),
    secrets,
    embedded: utilityProcessLauncher({
      fork: (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
      entry: paths.coreProcess,
      dataDir: join(app.getPath('userData'), 'core'),
    }),
    onChange: (list) => broadcast('connections:changed', list),
  });
  const manager = connections;
  consoles = new ConsoleRelay({ appOrigin: APP_ORIGIN });
  await consoles.start();
  registerHandlers(ipcMain, policy, createHandlers({
    connections: manager,
    consoles,
    appInfo: () => ({
      name: app.getName(), version: app.getVersion(), packaged: app.isPackaged, platform: process.platform, arch: process.arch,
      versions: { electron: process.versions['electron'], chrome: process.versions['chrome'], node: process.versions.node },
    }),
    windowOf: (sender) => {
      const w = BrowserWindow.getAllWindows().find((x) => x.webContents === sender);
      return w ? {
        ignoreMenuShortcuts: (ignore: boolean) => w.webContents.setIgnoreMenuShortcuts(ignore),
        minimize: () => w.minimize(), isMaximized: () => w.isMaximized(), maximize: () => w.maximize(),
        unmaximize: () => w.unmaximize(), close: () => w.close(),
      } : null;
    },
  }), console);

  app.setAboutPanelOptions({ applicationName: 'Strata', applicationVersion: app.getVersion() });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({
    isMac: process.platform === 'darwin', isDev, appName: 'Strata',
    send: (command) => {
      const w = BrowserWindow.getFocusedWindow() ?? mainWindow;
      if (w && trusted.has(w.webContents)) sendEvent(w.webContents, 'app:menuCommand', { command });
    },
    openExternal: (url) => void shell.openExternal(url).catch(() => undefined),
  })));

  // New alerts of every ready connection as OS notifications, shown by main (the renderer keeps no notification
  // permission: security.ts refuses it).
  desktopAlertNotifier(manager, Notification).start();

  openMainWindow();
  void manager.start().catch((e) => console.error('connections failed to start:', e));
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', focusMainWindow);
  // Every web contents (windows, and anything a bug might create) gets the navigation and window.open guards.
  app.on('web-contents-created', (_e, contents) => hardenContents(contents, shell));
  app.on('window-all-closed', () => { if (process.platform !== 'darwin') app.quit(); });
  app.on('activate', () => { if (BrowserWindow.getAllWindows().length === 0) openMainWindow(); });

  // Quit cleanly: end remote sessions and stop the embedded core (it flushes its database) before exiting.
  let quit: 'running' | 'stopping' | 'done' = 'running';
  app.on('before-quit', (e) => {
    if (quit === 'done' || !connections) return;
    e.preventDefault();
    if (quit === 'stopping') return;
    quit = 'stopping';
    void Promise.all([connections.stop(), consoles?.close()]).catch((err) => console.error('stopping connections:', err)).finally(() => {
      quit = 'done';
      app.quit();
    });
  });

  app.whenReady().then(onReady).catch((e) => {
    console.error('Strata failed to start:', e);
    app.exit(1);
  });
}
