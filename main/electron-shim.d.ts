// Typings of the few Electron APIs Strata's main and preload use, and nothing else.
//
// Why this exists: `electron` is an optionalDependency whose binary download fails offline, and when it fails the
// package (and its electron.d.ts) is absent. main/tsconfig.json maps the module name 'electron' to this file with
// `paths`, so `tsc -b` gives the same answer whether or not Electron is installed. At runtime 'electron' is the
// real module (the bundles keep it external). The signatures below are a subset of Electron's own: main also
// typechecks against the real electron.d.ts (`npx tsc -p main/tsconfig.real-electron.json` where Electron is
// installed; last checked with Electron 45.6.1's typings). Add a member here only when main starts using it.

export interface Rectangle { x: number; y: number; width: number; height: number }

export interface Event { preventDefault(): void }
export interface NavigationEvent extends Event { readonly url: string }

export interface WebFrameMain {
  readonly url: string;
  readonly parent: WebFrameMain | null;
  readonly processId: number;
  readonly routingId: number;
}

export interface HandlerDetails { url: string; frameName: string; disposition: string }

export interface WebContents {
  readonly id: number;
  readonly mainFrame: WebFrameMain;
  send(channel: string, ...args: any[]): void;
  isDestroyed(): boolean;
  setIgnoreMenuShortcuts(ignore: boolean): void;
  setWindowOpenHandler(handler: (details: HandlerDetails) => { action: 'allow' | 'deny' }): void;
  on(event: 'will-navigate', listener: (details: NavigationEvent) => void): this;
  on(event: 'will-redirect', listener: (details: NavigationEvent) => void): this;
  on(event: 'will-attach-webview', listener: (event: Event) => void): this;
}

export interface BrowserWindowConstructorOptions {
  x?: number; y?: number; width?: number; height?: number; minWidth?: number; minHeight?: number;
  show?: boolean; title?: string; backgroundColor?: string; autoHideMenuBar?: boolean;
  webPreferences?: Record<string, unknown>;
}

export class BrowserWindow {
  constructor(options?: BrowserWindowConstructorOptions);
  static getAllWindows(): BrowserWindow[];
  static getFocusedWindow(): BrowserWindow | null;
  readonly webContents: WebContents;
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  restore(): void;
  minimize(): void;
  maximize(): void;
  unmaximize(): void;
  close(): void;
  isMaximized(): boolean;
  isMinimized(): boolean;
  getNormalBounds(): Rectangle;
  on(event: 'closed', listener: () => void): this;
  on(event: 'resize', listener: () => void): this;
  on(event: 'move', listener: () => void): this;
  on(event: 'close', listener: (event: Event) => void): this;
  once(event: 'ready-to-show', listener: () => void): this;
}

export interface App {
  readonly isPackaged: boolean;
  setName(name: string): void;
  getName(): string;
  getVersion(): string;
  getPath(name: 'appData' | 'userData' | 'temp' | 'logs'): string;
  setPath(name: 'userData' | 'logs', path: string): void;
  requestSingleInstanceLock(): boolean;
  quit(): void;
  exit(exitCode?: number): void;
  whenReady(): Promise<void>;
  setAboutPanelOptions(options: { applicationName?: string; applicationVersion?: string }): void;
  on(event: 'second-instance', listener: () => void): this;
  on(event: 'web-contents-created', listener: (event: Event, webContents: WebContents) => void): this;
  on(event: 'window-all-closed', listener: () => void): this;
  on(event: 'activate', listener: () => void): this;
  on(event: 'before-quit', listener: (event: Event) => void): this;
}
export const app: App;

export interface MenuItemConstructorOptions {
  label?: string; role?: string; accelerator?: string; type?: 'separator';
  click?: () => void; submenu?: MenuItemConstructorOptions[];
}
export class Menu {
  static buildFromTemplate(template: MenuItemConstructorOptions[]): Menu;
  static setApplicationMenu(menu: Menu | null): void;
}

export interface IpcMainInvokeEvent { readonly sender: WebContents; readonly senderFrame: WebFrameMain | null }
export const ipcMain: {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: any[]) => Promise<any> | any): void;
};

export interface CustomScheme {
  scheme: string;
  privileges?: { standard?: boolean; secure?: boolean; supportFetchAPI?: boolean; stream?: boolean; codeCache?: boolean; corsEnabled?: boolean };
}
export const protocol: {
  registerSchemesAsPrivileged(customSchemes: CustomScheme[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
};

export interface PermissionRequest { requestingUrl?: string }
export interface Session {
  setPermissionRequestHandler(handler: ((webContents: WebContents, permission: string, callback: (granted: boolean) => void,
    details: PermissionRequest) => void) | null): void;
  setPermissionCheckHandler(handler: ((webContents: WebContents | null, permission: string, requestingOrigin: string) => boolean) | null): void;
}
export const session: { readonly defaultSession: Session };

export interface MessageBoxOptions {
  message: string; type?: 'none' | 'info' | 'error' | 'question' | 'warning'; title?: string; detail?: string;
  buttons?: string[]; defaultId?: number; cancelId?: number; noLink?: boolean;
}
export const dialog: { showMessageBox(options: MessageBoxOptions): Promise<{ response: number; checkboxChecked: boolean }> };

export const shell: { openExternal(url: string): Promise<void> };
export const screen: { getAllDisplays(): { workArea: Rectangle }[] };

export interface UtilityProcess {
  postMessage(message: any): void;
  on(event: 'message', listener: (message: any) => void): this;
  on(event: 'exit', listener: (code: number) => void): this;
  kill(): boolean;
}
export const utilityProcess: {
  fork(modulePath: string, args?: string[], options?: { serviceName?: string; stdio?: 'pipe' | 'ignore' | 'inherit' }): UtilityProcess;
};

// Preload side.
/** An OS notification (main shows new alerts with it). */
export class Notification {
  constructor(options: { title: string; body: string; silent?: boolean });
  static isSupported(): boolean;
  show(): void;
}

export const contextBridge: { exposeInMainWorld(apiKey: string, api: any): void };
export interface IpcRendererEvent { readonly sender: unknown }
export const ipcRenderer: {
  invoke(channel: string, ...args: any[]): Promise<any>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: any[]) => void): unknown;
  removeListener(channel: string, listener: (...args: any[]) => void): unknown;
};
