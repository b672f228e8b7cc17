// Browser-mode sign-in (username, password, domain), like CloudStack's web UI.
import { useState, type FormEvent } from 'react';
import { useShellMessages } from './shell-messages';
import { fmt } from '../i18n/messages';

export function Login({ onLogin }: { onLogin(u: string, p: string, d: string): Promise<void> }) {
  const m = useShellMessages();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [domain, setDomain] = useState('/');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try { await onLogin(username, password, domain); } catch (err) { setError(fmt(m.loginFailed, { text: err instanceof Error ? err.message : String(err) })); }
    setBusy(false);
  };
  return (
    <div className="login">
      <form className="card login-card" onSubmit={submit} aria-label={m.login}>
        <h1>{m.loginTitle}</h1>
        <label className="field"><span className="field-label">{m.username}</span><input name="username" autoFocus autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} /></label>
        <label className="field"><span className="field-label">{m.password}</span><input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} /></label>
        <label className="field"><span className="field-label">{m.domain}</span><input name="domain" value={domain} onChange={(e) => setDomain(e.target.value)} /></label>
        {error && <div role="alert" className="error">{error}</div>}
        <button type="submit" className="primary" disabled={busy || !username}>{m.login}</button>
      </form>
    </div>
  );
}
