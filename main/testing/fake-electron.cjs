// A stand-in for the 'electron' module, for the smoke test of the BUILT main bundle (dist/main/main.cjs) on machines
// without the Electron runtime. It implements only what main.ts calls, records what main did, and runs the
// utilityProcess as a Node child process (parent-port-shim.mjs supplies `process.parentPort` there).
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- main.cjs require()s 'electron', so the stand-in must be CommonJS */
const { EventEmitter } = require('node:events');
const { fork } = require('node:child_process');
const { join } = require('node:path');

const record = { schemes: [], protocolHandlers: {}, ipcHandlers: {}, windows: [], menu: null, opened: [], sent: [], quitCalls: 0,
  permissionRequest: null, permissionCheck: null, children: [], dialogs: [] };

let nextId = 1;
class WebContents extends EventEmitter {
  constructor() {
    super();
    this.id = nextId++;
    this.mainFrame = { url: 'app://strata/index.html', parent: null, processId: 1, routingId: this.id };
    this.windowOpenHandler = null;
  }
  send(channel, payload) { record.sent.push([channel, payload]); }
  isDestroyed() { return false; }
  setWindowOpenHandler(h) { this.windowOpenHandler = h; }
}

class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    this.loaded = null;
    this.maximized = false;
    record.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  static getAllWindows() { return record.windows; }
  static getFocusedWindow() { return record.windows[0] ?? null; }
  async loadURL(url) { this.loaded = url; }
  show() {} focus() {} restore() {} minimize() {} close() {}
  maximize() { this.maximized = true; } unmaximize() { this.maximized = false; }
  isMaximized() { return this.maximized; } isMinimized() { return false; }
  getNormalBounds() { return { x: 0, y: 0, width: this.options.width, height: this.options.height }; }
}

const dataDir = process.env.STRATA_SMOKE_APPDATA;
let readyResolve;
const ready = new Promise((r) => { readyResolve = r; });

const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  name: 'Electron',
  paths: { appData: dataDir },
  setName(n) { this.name = n; },
  getName() { return this.name; },
  getVersion() { return '0.1.0'; },
  getPath(n) { return this.paths[n]; },
  setPath(n, p) { this.paths[n] = p; },
  requestSingleInstanceLock() { return true; },
  whenReady() { return ready; },
  setAboutPanelOptions() {},
  quit() {
    record.quitCalls += 1;
    const e = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    this.emit('before-quit', e);
    if (!e.defaultPrevented) this.emit('quit-done');
  },
  exit(code) { this.emit('quit-done', code); },
});
setImmediate(() => readyResolve());

const protocol = {
  registerSchemesAsPrivileged(s) { record.schemes.push(...s); },
  handle(scheme, h) { record.protocolHandlers[scheme] = h; },
};
const ipcMain = { handle(ch, l) { record.ipcHandlers[ch] = l; } };
const session = { defaultSession: {
  setPermissionRequestHandler(h) { record.permissionRequest = h; },
  setPermissionCheckHandler(h) { record.permissionCheck = h; },
} };
const shell = { async openExternal(url) { record.opened.push(url); } };
// OS notifications main shows (new alerts).
class Notification {
  static isSupported() { return true; }
  constructor(options) { this.options = options; }
  show() { (record.notifications ??= []).push(this.options); }
}
const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };
// Message boxes answer with the button indexes in STRATA_SMOKE_DIALOG ("0,2": first button, then the third), then Quit's.
const answers = (process.env.STRATA_SMOKE_DIALOG ?? '').split(',').filter(Boolean).map(Number);
const dialog = {
  async showMessageBox(options) { record.dialogs.push(options); return { response: answers.shift() ?? options.cancelId, checkboxChecked: false }; },
};
const Menu = {
  buildFromTemplate(t) { return { template: t }; },
  setApplicationMenu(m) { record.menu = m; },
};

const utilityProcess = {
  fork(modulePath, args, options) {
    const child = fork(modulePath, args ?? [], {
      execArgv: ['--import', join(__dirname, 'parent-port-shim.mjs')], stdio: options?.stdio === 'pipe' ? 'pipe' : 'inherit',
    });
    record.children.push(child);
    const proc = new EventEmitter();
    child.on('message', (m) => proc.emit('message', m));
    child.on('exit', (code) => proc.emit('exit', code ?? 1));
    proc.postMessage = (m) => child.send(m);
    proc.kill = () => child.kill();
    return proc;
  },
};

module.exports = { app, BrowserWindow, Menu, Notification, dialog, ipcMain, protocol, session, shell, screen, utilityProcess, __record: record };
