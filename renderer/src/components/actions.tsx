// Declarative actions: what a command is called, when it applies to a row, whether it works on many rows, and
// whether it asks first. A button shows only when the role's listApis allows the command and the selection fits.
import { useRef, useState, type ReactNode } from 'react';
import { useCloud } from '../app/client-context';
import { useAction } from '../api/hooks';
import type { Params } from '../api/cloud-client';
import { Dialog } from './Dialog';
import { ConfirmDialog, type ConfirmOption, type ConfirmRequest } from './ConfirmDialog';
import { useKitMessages } from './kit/messages';
import { fmt } from '../i18n/messages';

export interface Action<T> {
  id: string;
  command: string;
  label: string;
  when?(row: T): boolean;
  bulk?: boolean;
  /** Removes or breaks something: always confirmed, shown in red. */
  danger?: boolean;
  /** Interrupts something running (stop, reboot): confirmed too. */
  confirm?: boolean;
  /** Choices the confirmation offers; a checked one sends its param as true (forced=, expunge=). */
  options?: (ConfirmOption & { param: string })[];
  /** What the action would do to one row, shown in its confirmation (so an action with one is always confirmed). */
  preview?(row: T): ReactNode;
  /**
   * A live view of what a confirmed action on one row is doing (a host's evacuation), shown in a dialog from the
   * confirmation on; `startedAt` is when it was confirmed (Date.now()), so the view follows this run only.
   */
  follow?(row: T, startedAt: number): ReactNode;
  /** Counted summary for the confirmation, e.g. "Stop 3 instances". */
  summary?(n: number): string;
  params(row: T): Params;
  /** Text of the job for the jobs panel. */
  describe(row: T): string;
}

export interface ItemResult { name: string; ok: boolean; text: string }

/**
 * Runs an action on rows, through the confirmation when the action asks for one. `done` gets each row's result.
 * Shared by the one-row ActionBar and the list's BulkActions so both confirm the same way.
 */
export function useActionRunner<T>(nameOf: (row: T) => string, done: (a: Action<T>, items: ItemResult[], following: boolean) => void,
  followClosed?: () => void) {
  const m = useKitMessages();
  const run = useAction();
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<{ a: Action<T>; rows: T[] } | null>(null);
  const [following, setFollowing] = useState<{ title: string; view: ReactNode } | null>(null);
  // Read when the action ends, after the state it was started with: a ref, not the state.
  const followingRef = useRef(false);

  const execute = async (a: Action<T>, rows: T[], chosen: Record<string, boolean>) => {
    const extra = Object.fromEntries((a.options ?? []).filter((o) => chosen[o.key]).map((o) => [o.param, true]));
    setBusy(true);
    const items = await Promise.all(rows.map(async (r): Promise<ItemResult> => {
      try {
        await run(a.command, { ...a.params(r), ...extra }, a.describe(r));
        return { name: nameOf(r), ok: true, text: m.done };
      } catch (e) {
        return { name: nameOf(r), ok: false, text: e instanceof Error ? e.message : String(e) };
      }
    }));
    setBusy(false);
    done(a, items, followingRef.current);
  };

  const start = (a: Action<T>, rows: T[]) => {
    if (a.danger || a.confirm || a.preview || a.options?.length) setPending({ a, rows });
    else void execute(a, rows, {});
  };

  const request: ConfirmRequest | null = pending && {
    title: pending.a.label,
    summary: pending.a.summary?.(pending.rows.length) ?? fmt(m.confirmSummary, { action: pending.a.label, n: pending.rows.length }),
    names: pending.rows.map(nameOf),
    danger: pending.a.danger,
    options: pending.a.options,
    confirmLabel: pending.a.label,
    preview: pending.rows.length === 1 ? pending.a.preview?.(pending.rows[0]) : undefined,
  };
  const dialog = (
    <ConfirmDialog request={request} onCancel={() => setPending(null)}
      onConfirm={(chosen) => {
        const p = pending!;
        setPending(null);
        followingRef.current = !!p.a.follow && p.rows.length === 1;
        if (p.a.follow && p.rows.length === 1) setFollowing({ title: `${p.a.label}: ${nameOf(p.rows[0])}`, view: p.a.follow(p.rows[0], Date.now()) });
        void execute(p.a, p.rows, chosen);
      }} />
  );
  const closeFollow = () => { followingRef.current = false; setFollowing(null); followClosed?.(); };
  const followDialog = following && (
    <Dialog open wide title={following.title} onClose={closeFollow} footer={<button type="button" onClick={closeFollow}>{m.close}</button>}>
      {following.view}
    </Dialog>
  );
  return { start, busy, dialog: <>{dialog}{followDialog}</> };
}

/** The per-item outcome of an action on several rows (or one that failed). */
export function ResultsDialog({ results, onClose, summary }: { results: { title: string; items: ItemResult[] } | null; onClose(): void; summary?: ReactNode }) {
  return (
    <Dialog open={!!results} title={results?.title ?? ''} onClose={onClose}>
      {summary}
      <ul className="results">
        {results?.items.map((i, k) => <li key={k} className={i.ok ? 'ok' : 'bad'}><strong>{i.name}</strong>: {i.text}</li>)}
      </ul>
    </Dialog>
  );
}

export function ActionBar<T>({ actions, rows, nameOf, onDone }: { actions: Action<T>[]; rows: T[]; nameOf(row: T): string; onDone?(): void }) {
  const { apis } = useCloud();
  const k = useKitMessages();
  const [results, setResults] = useState<{ title: string; items: ItemResult[] } | null>(null);
  const runner = useActionRunner(nameOf, (a, items) => {
    if (items.length > 1 || items.some((i) => !i.ok)) setResults({ title: a.label, items });
    onDone?.();
  });
  const visible = actions.filter((a) => apis?.has(a.command) && rows.length > 0 && (rows.length === 1 || a.bulk) && rows.every((r) => a.when?.(r) ?? true));

  return (
    <div className="actionbar" role="toolbar">
      {visible.map((a) => (
        <button key={a.id} className={a.danger ? 'danger' : ''} disabled={runner.busy} onClick={() => runner.start(a, rows)}>{a.label}</button>
      ))}
      {runner.dialog}
      <ResultsDialog results={results} onClose={() => setResults(null)}
        summary={<p>{fmt(k.resultSummary, { ok: results?.items.filter((i) => i.ok).length ?? 0, total: results?.items.length ?? 0 })}</p>} />
    </div>
  );
}

export function Toolbar({ children }: { children: ReactNode }) {
  return <div className="toolbar">{children}</div>;
}
