// Form pieces for the infrastructure dialogs and the zone wizard: labelled inputs (the label is the accessible
// name tests and screen readers use), inline errors, and a dialog that keeps CloudStack's error text visible.
import { useId, useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from 'react';
import { Dialog } from '../../components/Dialog';
import { useInfraMessages } from './messages';
import { errorText } from './format';

// Outside the <label>, so the field's accessible name stays exactly its label ('Zone name', not 'Zone name *').
const Req = () => <span className="field-req" aria-hidden> *</span>;

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'>;

export function TextField({ label, value, onChange, hint, error, ...rest }: { label: string; value: string; onChange(v: string): void; hint?: ReactNode; error?: string } & InputProps) {
  const id = useId();
  return (
    <div className="field">
      <span className="field-label"><label htmlFor={id}>{label}</label>{rest.required && <Req />}</span>
      <input id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined}
        aria-describedby={error || hint ? `${id}-note` : undefined} {...rest} />
      {(error || hint) && <span id={`${id}-note`} className={error ? 'field-error' : 'field-hint'}>{error ?? hint}</span>}
    </div>
  );
}

export function SelectField({ label, value, onChange, options, hint, error, disabled, required }: {
  label: string; value: string; onChange(v: string): void; options: [string, string][]; hint?: ReactNode; error?: string; disabled?: boolean; required?: boolean;
}) {
  const id = useId();
  return (
    <div className="field">
      <span className="field-label"><label htmlFor={id}>{label}</label>{required && <Req />}</span>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled} required={required} aria-invalid={error ? true : undefined}>
        {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
      {(error || hint) && <span className={error ? 'field-error' : 'field-hint'}>{error ?? hint}</span>}
    </div>
  );
}

export function FormDialog({ title, submitLabel, onClose, onSubmit, children, wide }: {
  title: string; submitLabel: string; onClose(): void;
  /** Throw to keep the dialog open with the error shown; return false to stay open silently (invalid input). */
  onSubmit(): Promise<boolean | void>;
  children: ReactNode; wide?: boolean;
}) {
  const m = useInfraMessages();
  const formId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      const ok = await onSubmit();
      setBusy(false);
      if (ok !== false) onClose();
    } catch (err) {
      setBusy(false);
      setError(errorText(err));
    }
  };
  return (
    <Dialog open title={title} onClose={onClose} wide={wide} footer={
      <>
        <button type="button" onClick={onClose}>{m.cancel}</button>
        <button type="submit" form={formId} className="primary" disabled={busy}>{busy ? m.working : submitLabel}</button>
      </>
    }>
      <form id={formId} onSubmit={submit} className="infra-form" noValidate>
        {children}
        {error && <div role="alert" className="error">{error}</div>}
      </form>
    </Dialog>
  );
}
