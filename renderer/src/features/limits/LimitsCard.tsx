// An owner's resource limits (account, domain or project): each of CloudStack's twelve types with used / limit /
// available (listResourceLimits, and the owner's vmtotal... fields), editable by an admin (updateResourceLimit,
// -1 = unlimited, the typed value checked before it is sent) and recounted with "Recalculate" (updateResourceCount).
import { useState, type FormEvent } from 'react';
import { useAction, useList } from '../../api/hooks';
import { useCan } from '../../app/client-context';
import { Card } from '../../components/Page';
import { fmt } from '../../i18n/messages';
import { countParams, limitRows, ownerParams, parseLimit, UNLIMITED, usedShare, type LimitOwner, type LimitRow } from './limits-model';
import { useLimitMessages, type LimitMessages } from './messages';
import './limits.css';

const num = (n: number) => n.toLocaleString();

export function LimitsCard({ owner, ownerName, counts }: {
  owner: LimitOwner; ownerName: string; counts: Record<string, unknown> | undefined;
}) {
  const m = useLimitMessages();
  const run = useAction();
  const canEdit = useCan('updateResourceLimit');
  const canCount = useCan('updateResourceCount');
  const limits = useList('listResourceLimits', ownerParams(owner));
  const [editing, setEditing] = useState<number | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const rows = limitRows(limits.data?.items, counts);

  const recalculate = () => {
    setNote(null);
    run('updateResourceCount', countParams(owner), fmt(m.jobCount, { owner: ownerName }))
      .then(() => setNote({ ok: true, text: m.recalculated }), (e: Error) => setNote({ ok: false, text: e.message }));
  };

  return (
    <Card title={m.title} actions={canCount && (
      <button type="button" title={m.recalculateHint} onClick={recalculate}>{m.recalculate}</button>
    )}>
      {limits.error ? <div className="error" role="alert">{fmt(m.loadFailed, { text: limits.error.message })}</div> : (
        <table className="limits-table" aria-label={m.title}>
          <thead>
            <tr>
              <th scope="col">{m.resource}</th><th scope="col" className="num">{m.used}</th><th scope="col" className="num">{m.limit}</th>
              <th scope="col" className="num">{m.available}</th><th scope="col" className="limits-bar"><span className="sr-only">{m.used}</span></th>
              {canEdit && <th scope="col" className="limits-act"><span className="sr-only">{m.edit}</span></th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <LimitLine key={r.type.type} row={r} m={m} canEdit={canEdit} editing={editing === r.type.type}
                onEdit={() => setEditing(r.type.type)} onDone={() => setEditing(null)}
                save={(max) => run('updateResourceLimit', { ...ownerParams(owner), resourcetype: r.type.type, max },
                  fmt(m.jobUpdate, { owner: ownerName, type: m[r.type.name as keyof LimitMessages], max: max === UNLIMITED ? m.unlimited : num(max) }))} />
            ))}
          </tbody>
        </table>
      )}
      {note && <p className={`limits-note ${note.ok ? 'muted' : 'error'}`} role={note.ok ? 'status' : 'alert'}>{note.text}</p>}
    </Card>
  );
}

function LimitLine({ row: r, m, canEdit, editing, onEdit, onDone, save }: {
  row: LimitRow; m: LimitMessages; canEdit: boolean; editing: boolean; onEdit(): void; onDone(): void; save(max: number): Promise<unknown>;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const label = m[r.type.name as keyof LimitMessages];
  const share = usedShare(r);
  const begin = () => { setText(r.limit === null ? '' : String(r.limit)); setError(null); onEdit(); };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseLimit(text);
    if ('error' in parsed) { setError(m[parsed.error]); return; }
    setBusy(true);
    setError(null);
    save(parsed.value).then(() => { setBusy(false); onDone(); }, (err: Error) => { setBusy(false); setError(fmt(m.saveFailed, { text: err.message })); });
  };
  return (
    <tr>
      <th scope="row">{label}</th>
      <td className="num">{r.used === null ? m.unknown : num(r.used)}</td>
      <td className="num">{r.limit === null ? m.unknown : r.limit === UNLIMITED ? m.unlimited : num(r.limit)}</td>
      <td className="num">{r.limit === UNLIMITED ? m.unlimited : r.available === null ? m.unknown : num(r.available)}</td>
      <td className="limits-bar">
        {share !== null && (
          <div className={`meter${share >= 1 ? ' full' : share >= 0.8 ? ' high' : ''}`} role="meter" aria-label={label}
            aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(Math.min(1, share) * 100)}>
            <span style={{ width: `${Math.min(1, share) * 100}%` }} />
          </div>
        )}
      </td>
      {canEdit && (
        <td className="limits-act">
          {editing ? (
            <form onSubmit={submit}>
              <div className="limits-edit">
                <input aria-label={fmt(m.newLimit, { type: label })} value={text} autoFocus inputMode="numeric" title={m.inputHint}
                  aria-invalid={!!error} onChange={(e) => { setText(e.target.value); setError(null); }}
                  onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); onDone(); } }} />
                <button type="submit" className="primary" disabled={busy}>{m.save}</button>
                <button type="button" onClick={onDone} disabled={busy}>{m.cancel}</button>
              </div>
              {error && <div className="limits-edit-error" role="alert">{error}</div>}
            </form>
          ) : <button type="button" aria-label={fmt(m.editLimit, { type: label })} onClick={begin}>{m.edit}</button>}
        </td>
      )}
    </tr>
  );
}
