// A dialog around a form: Enter submits, the submit button shows progress, and a refused request leaves the
// dialog open with CloudStack's own error text, so the operator can fix the input and try again.
import { useId, useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from 'react';
import { Dialog } from '../Dialog';
import { useKitMessages } from './messages';
import { errorText } from './typed';

export function FormDialog({ title, submitLabel, onClose, onSubmit, canSubmit = true, wide, children, footer, noValidate }: {
  title: string; submitLabel: string; onClose(): void;
  /** Resolve to close the dialog; resolve 'keep' to stay open (e.g. to show progress); throw to show the error. */
  onSubmit(): Promise<void | 'keep'>;
  canSubmit?: boolean; wide?: boolean; children: ReactNode;
  /** Replaces the submit/cancel buttons (e.g. a Close button once the work is done). */
  footer?: ReactNode;
  /** The form checks its own fields and names each mistake under it (the browser's bubble names only the first). */
  noValidate?: boolean;
}) {
  const m = useKitMessages();
  const formId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || !canSubmit) return;
    setBusy(true);
    setError('');
    try {
      const r = await onSubmit();
      setBusy(false);
      if (r !== 'keep') onClose();
    } catch (err) {
      setBusy(false);
      setError(errorText(err));
    }
  };
  return (
    <Dialog open title={title} onClose={onClose} wide={wide} footer={footer ?? (
      <>
        <button type="button" onClick={onClose}>{m.cancel}</button>
        <button type="submit" form={formId} className="primary" disabled={busy || !canSubmit}>{busy ? m.working : submitLabel}</button>
      </>
    )}>
      <form id={formId} onSubmit={submit} className="kit-form" noValidate={noValidate}>
        {children}
        {error && <div role="alert" className="error">{error}</div>}
      </form>
    </Dialog>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'>;

/**
 * A labelled field whose label points at the control (htmlFor) instead of wrapping it: a wrapping label would
 * fold a select's options and the hint into the control's accessible name ("Domain ROOT ROOT/Sales ...").
 */
export function FieldBox({ label, hint, children }: { label: string; hint?: ReactNode; children(ids: { id: string; hintId?: string }): ReactNode }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>{label}</label>
      {children({ id, hintId })}
      {hint && <span id={hintId} className="field-hint">{hint}</span>}
    </div>
  );
}

export function TextField({ label, value, onChange, hint, ...rest }: { label: string; value: string; onChange(v: string): void; hint?: ReactNode } & InputProps) {
  return (
    <FieldBox label={label} hint={hint}>
      {({ id, hintId }) => <input id={id} aria-describedby={hintId} value={value} onChange={(e) => onChange(e.target.value)} {...rest} />}
    </FieldBox>
  );
}

export function SelectField({ label, value, onChange, options, hint, required }: {
  label: string; value: string; onChange(v: string): void; options: [string, string][]; hint?: ReactNode; required?: boolean;
}) {
  return (
    <FieldBox label={label} hint={hint}>
      {({ id, hintId }) => (
        <select id={id} aria-describedby={hintId} value={value} required={required} onChange={(e) => onChange(e.target.value)}>
          {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
        </select>
      )}
    </FieldBox>
  );
}

export function CheckField({ label, checked, onChange, hint }: { label: string; checked: boolean; onChange(v: boolean): void; hint?: ReactNode }) {
  const hintId = useId();
  return (
    <div className="kit-check">
      <label><input type="checkbox" checked={checked} aria-describedby={hint ? hintId : undefined} onChange={(e) => onChange(e.target.checked)} /> {label}</label>
      {hint && <span id={hintId} className="field-hint">{hint}</span>}
    </div>
  );
}

/** Two fields side by side. */
export function FieldRow({ children }: { children: ReactNode }) {
  return <div className="kit-row">{children}</div>;
}
