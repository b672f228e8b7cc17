// The console's two text dialogs. "Type text" sends a pasted string as throttled keystrokes (works with any guest,
// no agent needed: the operators' top request, and the cure for pasted long lines freezing a guest). "Clipboard"
// uses the RFB clipboard message, which only guests with a clipboard agent understand.
import { useEffect, useRef, useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Page';
import { fmt } from '../../i18n/messages';
import { planStrokes, typeStrokes, type SendKey } from './keys';
import type { ConsoleMessages } from './messages';

const DEFAULT_DELAY_MS = 15;

export function TypeTextDialog({ m, vm, send, onClose }: { m: ConsoleMessages; vm: string; send: SendKey; onClose(): void }) {
  const [text, setText] = useState('');
  const [delay, setDelay] = useState(DEFAULT_DELAY_MS);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const abort = useRef<AbortController | null>(null);
  // Closing the dialog (or the console going away) stops typing half-way rather than typing into nothing.
  useEffect(() => () => abort.current?.abort(), []);

  const run = async () => {
    const strokes = planStrokes(text);
    if (!strokes.length) return;
    const ctl = new AbortController();
    abort.current = ctl;
    setProgress({ done: 0, total: strokes.length });
    const n = await typeStrokes(send, strokes, { delayMs: delay, signal: ctl.signal, onProgress: (done) => setProgress({ done, total: strokes.length }) });
    abort.current = null;
    if (!ctl.signal.aborted && n === strokes.length) onClose();
    else setProgress(null);
  };

  const typing = progress !== null;
  return (
    <Dialog open title={fmt(m.typeTextTitle, { vm })} onClose={onClose} wide footer={<>
      {typing && <span className="muted" role="status">{fmt(m.typing, { done: progress.done, total: progress.total })}</span>}
      {typing
        ? <button onClick={() => abort.current?.abort()}>{m.stop}</button>
        : <button onClick={onClose}>{m.cancel}</button>}
      <button className="primary" disabled={typing || !text} onClick={() => void run()}>{m.type}</button>
    </>}>
      <Field label={m.textLabel} hint={m.typeHint}>
        <textarea className="vmc-textarea" rows={8} value={text} autoFocus spellCheck={false} disabled={typing}
          onChange={(e) => setText(e.target.value)} />
      </Field>
      <Field label={m.delayLabel}>
        <input type="number" min={0} max={500} step={5} value={delay} disabled={typing}
          onChange={(e) => setDelay(Math.max(0, Math.min(500, Number(e.target.value) || 0)))} />
      </Field>
    </Dialog>
  );
}

export function ClipboardDialog({ m, vm, fromVm, paste, onClose }: { m: ConsoleMessages; vm: string; fromVm: string; paste(text: string): void; onClose(): void }) {
  const [text, setText] = useState('');
  const [sent, setSent] = useState(false);
  return (
    <Dialog open title={fmt(m.clipboardTitle, { vm })} onClose={onClose} wide footer={<>
      {sent && <span className="muted" role="status">{m.sent}</span>}
      <button onClick={onClose}>{m.cancel}</button>
      <button className="primary" disabled={!text} onClick={() => { paste(text); setSent(true); }}>{m.sendClipboard}</button>
    </>}>
      <Field label={m.sendClipboardLabel} hint={m.clipboardHint}>
        <textarea className="vmc-textarea" rows={5} value={text} autoFocus spellCheck={false} onChange={(e) => { setText(e.target.value); setSent(false); }} />
      </Field>
      <Field label={m.fromVm}>
        {fromVm
          ? <textarea className="vmc-textarea" rows={4} readOnly value={fromVm} />
          : <p className="muted">{m.nothingFromVm}</p>}
      </Field>
      {fromVm && <button onClick={() => void navigator.clipboard?.writeText(fromVm).catch(() => undefined)}>{m.copy}</button>}
    </Dialog>
  );
}
