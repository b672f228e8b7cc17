// The console page at createConsoleEndpoint's `url` (/console/vnc.html?token=...): a full-window noVNC console for
// browser pop-outs and for any CloudStack client that opens the URL. The token in the URL is used once, by the
// first WebSocket; loading the page spends nothing. When the page was popped out of this console (it has `vm` and
// inherited the browser session), reconnects ask the API for a new token; otherwise the link is spent.
import { createRoot } from 'react-dom/client';
import { useEffect } from 'react';
import { browserClient, savedBrowserSession } from './api/browser-client';
import { apiSource, oneShotSource } from './features/consoles/connection';
import { useConsoleMessages } from './features/consoles/messages';
import { VmConsole } from './features/consoles/VmConsole';
import { fmt } from './i18n/messages';
import { useUiStore } from './state/ui-store';
import { CONSOLE_WEBSOCKET_PATH, consoleWebSocketUrl } from '../../core/contract/commands/console';
import './styles.css';

const q = new URLSearchParams(location.search);
const token = q.get('token');
const vmId = q.get('vm');
const session = savedBrowserSession();
const later = vmId && session ? apiSource(browserClient('', session, () => undefined), vmId, true) : undefined;
const source = token
  ? oneShotSource(consoleWebSocketUrl({ websocket: { token, host: location.hostname, port: location.port, path: CONSOLE_WEBSOCKET_PATH, extra: q.get('extra') ?? undefined } }, location), later)
  : null;

function ConsolePage() {
  const m = useConsoleMessages();
  const theme = useUiStore((s) => s.theme);
  const language = useUiStore((s) => s.language);
  const name = q.get('name') ?? m.pageTitle;
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.lang = language;
    document.title = q.get('name') ? `${fmt(m.consoleOf, { vm: name })} - Strata` : `${m.pageTitle} - Strata`;
  }, [theme, language, name, m]);
  if (!source) return <main className="loading" role="alert">{m.noToken}</main>;
  return <VmConsole source={source} name={name} standalone autoFocus />;
}

createRoot(document.getElementById('root')!).render(<ConsolePage />);
