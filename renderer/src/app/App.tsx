// Root: picks the transport (desktop bridge when running inside Strata's window, else browser session), signs
// in when needed, then shows the shell for that cloud.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { browserClient, loginBrowser, savedBrowserSession, forgetBrowserSession, type BrowserSession } from '../api/browser-client';
import { ClientProvider } from './client-context';
import { Shell } from './Shell';
import { Login } from './Login';
import { useUiStore } from '../state/ui-store';
import { desktopBridge } from '../api/desktop-client';
import { DesktopApp } from './DesktopApp';

const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 10_000, retry: 1, refetchOnWindowFocus: false } } });

function useThemeOnDocument() {
  const theme = useUiStore((s) => s.theme);
  const language = useUiStore((s) => s.language);
  useEffect(() => { document.documentElement.dataset.theme = theme; document.documentElement.lang = language; }, [theme, language]);
}

function BrowserApp() {
  const [session, setSession] = useState<BrowserSession | null>(savedBrowserSession);
  const signOut = useCallback(() => {
    if (session) void browserClient('', session, () => {}).call('logout').catch(() => {});
    forgetBrowserSession();
    queryClient.clear();
    setSession(null);
  }, [session]);
  const client = useMemo(() => (session ? browserClient('', session, () => { forgetBrowserSession(); setSession(null); }) : null), [session]);
  if (!session || !client) {
    return <Login onLogin={async (u, p, d) => setSession(await loginBrowser('', u, p, d))} />;
  }
  const identity = { username: session.username, account: session.account, accountType: Number(session.type) };
  return (
    <ClientProvider key={session.sessionKey} client={client} identity={identity} signOut={signOut}>
      <Shell />
    </ClientProvider>
  );
}

export function App() {
  useThemeOnDocument();
  const bridge = desktopBridge();
  return (
    <QueryClientProvider client={queryClient}>
      {bridge ? <DesktopApp bridge={bridge} /> : <BrowserApp />}
    </QueryClientProvider>
  );
}
