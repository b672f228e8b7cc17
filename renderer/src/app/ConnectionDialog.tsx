// Adding a remote cloud: a Strata or Apache CloudStack server, with API keys or username/password. The secrets
// go to main (OS keychain) and are never kept in the renderer.
import { useState } from 'react';
import type { DesktopBridge, ConnectionInfo } from '../../../main/ipc-contract';
import { Dialog } from '../components/Dialog';
import { Field } from '../components/Page';

export function ConnectionDialog({ open, bridge, onClose, onAdded }: { open: boolean; bridge: DesktopBridge; onClose(): void; onAdded(c: ConnectionInfo): void }) {
  const [kind, setKind] = useState<'strata' | 'cloudstack'>('cloudstack');
  const [name, setName] = useState('');
  const [url, setUrl] = useState('https://');
  const [authType, setAuthType] = useState<'keys' | 'password'>('keys');
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [domain, setDomain] = useState('/');
  const [error, setError] = useState('');
  const draft = () => ({ kind, name, url, auth: authType === 'keys' ? { type: 'keys' as const, apiKey: a, secretKey: b } : { type: 'password' as const, username: a, password: b, domain } });
  const add = async () => {
    setError('');
    const r = await bridge.connections.add(draft());
    if (r.ok) onAdded(r.value); else setError(r.error.message);
  };
  const test = async () => {
    const r = await bridge.connections.test(draft());
    setError(r.ok ? `OK: ${r.value.version ?? ''} ${r.value.username ?? ''}` : r.error.message);
  };
  return (
    <Dialog open={open} title="Add connection" onClose={onClose}
      footer={<><button onClick={test}>Test</button><button className="primary" onClick={add} disabled={!name || !a || !b}>Add</button></>}>
      <Field label="Kind"><select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}><option value="cloudstack">Apache CloudStack</option><option value="strata">Strata server</option></select></Field>
      <Field label="Name"><input value={name} onChange={(e) => setName(e.target.value)} /></Field>
      <Field label="URL" hint="The API is at <URL>/client/api"><input value={url} onChange={(e) => setUrl(e.target.value)} /></Field>
      <Field label="Authentication"><select value={authType} onChange={(e) => setAuthType(e.target.value as typeof authType)}><option value="keys">API key and secret</option><option value="password">Username and password</option></select></Field>
      <Field label={authType === 'keys' ? 'API key' : 'Username'}><input value={a} onChange={(e) => setA(e.target.value)} /></Field>
      <Field label={authType === 'keys' ? 'Secret key' : 'Password'}><input type="password" value={b} onChange={(e) => setB(e.target.value)} /></Field>
      {authType === 'password' && <Field label="Domain"><input value={domain} onChange={(e) => setDomain(e.target.value)} /></Field>}
      {error && <div role="alert" className={error.startsWith('OK') ? 'muted' : 'error'}>{error}</div>}
    </Dialog>
  );
}
