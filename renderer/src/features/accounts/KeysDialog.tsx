// API keys of a user. Generating shows the new pair once, with copy buttons and a warning; showing reads the
// current pair. Keys are fetched on demand and kept only in this dialog's state, never in the query cache.
import { useEffect, useRef, useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { fmt } from '../../i18n/messages';
import { CopyButton } from '../../components/kit/Widgets';
import { useRun, errorText } from '../../components/kit/typed';
import { useKitMessages } from '../../components/kit/messages';
import { useAccountsMessages } from './messages';
import type { User } from './types';
import type { UserKeys } from '../../../../core/contract/responses';

type Keys = UserKeys;

export function KeysDialog({ user, mode, onClose }: { user: User; mode: 'generate' | 'show'; onClose(): void }) {
  const m = useAccountsMessages();
  const k = useKitMessages();
  const run = useRun();
  const [keys, setKeys] = useState<Keys | null>(null);
  const [error, setError] = useState('');

  // Once per opening: generating twice would replace the keys the operator is about to copy.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const go = mode === 'generate'
      ? run('registerUserKeys', { id: user.id }, fmt(m.jobKeys, { name: user.username }))
      : run('getUserKeys', { id: user.id }, `${m.showKeys}: ${user.username}`);
    go.then((r) => setKeys((r?.userkeys ?? {}) as Keys), (e) => setError(errorText(e)));
  }, [mode, run, user, m]);

  const title = `${mode === 'generate' ? m.generateKeys : m.keys}: ${user.username}`;
  return (
    <Dialog open title={title} onClose={onClose} wide footer={<button type="button" className="primary" onClick={onClose}>{k.close}</button>}>
      {error && <div role="alert" className="error">{error}</div>}
      {!keys && !error && <p className="muted">{k.working}</p>}
      {keys && !keys.apikey && <p className="muted">{m.noKeys}</p>}
      {keys?.apikey && (
        <>
          <p className="kit-warning" role="note">{mode === 'generate' ? m.keysOnce : m.keysShown}</p>
          <div className="field"><span className="field-label">{m.apiKey}</span>
            <div className="kit-secret"><code aria-label={m.apiKey}>{keys.apikey}</code><CopyButton text={keys.apikey} label={m.copyApiKey} /></div>
          </div>
          <div className="field"><span className="field-label">{m.secretKey}</span>
            <div className="kit-secret"><code aria-label={m.secretKey}>{keys.secretkey}</code><CopyButton text={keys.secretkey ?? ''} label={m.copySecretKey} /></div>
          </div>
        </>
      )}
    </Dialog>
  );
}
