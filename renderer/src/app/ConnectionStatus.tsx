// The top bar's connection state: reachable, or unreachable with the reason and a countdown to the next try.
import { useEffect, useState } from 'react';
import { useConnection, probe } from '../api/connection-state';
import { useCloud } from './client-context';
import { useShellMessages } from './shell-messages';
import { fmt } from '../i18n/messages';

function useSecondsUntil(at: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [at]);
  return at === null ? 0 : Math.max(0, Math.ceil((at - now) / 1000));
}

export function ConnectionStatus() {
  const m = useShellMessages();
  const { client } = useCloud();
  const c = useConnection();
  const seconds = useSecondsUntil(c.retryAt);
  if (c.reachable) {
    return <span className="conn ok" role="status" title={fmt(m.reachableTitle, { name: client.connectionName })}>● <span className="conn-name">{client.connectionName}</span></span>;
  }
  return (
    <span className="conn bad" role="status" title={c.reason}>
      ● <span className="conn-name">{fmt(m.unreachable, { name: client.connectionName })}</span>
      <span className="conn-retry">{seconds > 0 ? fmt(m.retryIn, { n: seconds }) : m.retrying}</span>
      <button type="button" className="ghost small" onClick={() => probe(client)}>{m.retryNow}</button>
    </span>
  );
}

/** Shown in a view instead of its empty state while the server cannot be reached. */
export function UnreachableNotice() {
  const m = useShellMessages();
  const c = useConnection();
  if (c.reachable) return null;
  return <div className="error" role="alert">{fmt(m.unreachableBody, { reason: c.reason })}</div>;
}
