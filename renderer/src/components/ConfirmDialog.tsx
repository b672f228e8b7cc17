// The one confirmation for actions that change or remove things: it says what will happen to how many items
// (named), offers the action's choices (force, expunge) as checkboxes whose effect is spelled out, and its confirm
// button repeats the action. Replaces window.confirm, which names nothing and cannot offer a choice.
import { useState, type ReactNode } from 'react';
import { Dialog } from './Dialog';
import { fmt } from '../i18n/messages';
import { useKitMessages } from './kit/messages';

export interface ConfirmOption { key: string; label: string; /** What choosing it means, shown under the box. */ hint: string }

export interface ConfirmRequest {
  title: string;
  /** "Stop 3 instances" (already counted and pluralized). */
  summary: string;
  names: string[];
  danger?: boolean;
  options?: ConfirmOption[];
  confirmLabel: string;
  /** What would happen, worked out before the operator confirms (e.g. the maintenance plan of a host). */
  preview?: ReactNode;
}

const SHOWN_NAMES = 8;

export function ConfirmDialog({ request, onConfirm, onCancel }: { request: ConfirmRequest | null; onConfirm(options: Record<string, boolean>): void; onCancel(): void }) {
  const m = useKitMessages();
  const [chosen, setChosen] = useState<Record<string, boolean>>({});
  const close = () => { setChosen({}); onCancel(); };
  const r = request;
  const picked = r?.options?.filter((o) => chosen[o.key]) ?? [];
  return (
    <Dialog open={!!r} title={r?.title ?? ''} onClose={close}
      footer={r && <>
        <button type="button" onClick={close}>{m.cancel}</button>
        <button type="button" className={r.danger || picked.length ? 'danger' : 'primary'} data-confirm
          onClick={() => { const c = chosen; setChosen({}); onConfirm(c); }}>
          {picked.length ? `${r.confirmLabel} (${picked.map((o) => o.label).join(', ')})` : r.confirmLabel}
        </button>
      </>}>
      {r && (
        <div className="confirm">
          <p className="confirm-summary">{r.summary}</p>
          <ul className="confirm-names">
            {r.names.slice(0, SHOWN_NAMES).map((n) => <li key={n}>{n}</li>)}
            {r.names.length > SHOWN_NAMES && <li className="muted">{fmt(m.andMore, { n: r.names.length - SHOWN_NAMES })}</li>}
          </ul>
          {r.preview}
          {r.options?.map((o) => (
            <label key={o.key} className="confirm-option">
              <input type="checkbox" checked={!!chosen[o.key]} onChange={(e) => setChosen({ ...chosen, [o.key]: e.target.checked })} />
              <span><strong>{o.label}</strong><br /><span className="muted">{o.hint}</span></span>
            </label>
          ))}
        </div>
      )}
    </Dialog>
  );
}
