// Small building blocks of the list views: inline filter selects, meters, yes/no cells, a copy button.
import { useId, useState, type ReactNode } from 'react';
import { useKitMessages } from './messages';

export function FilterSelect({ label, value, onChange, options }: {
  label: string; value: string; onChange(v: string): void; options: [string, string][];
}) {
  const id = useId();
  // The label points at the select rather than wrapping it, so the select's name is just the label.
  return (
    <span className="kit-filter">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
    </span>
  );
}

/** A bar for a 0..100 value with its text beside it; turns amber above 75% and red above 90% (like CloudStack's thresholds). */
export function Meter({ value, label, text, role = 'meter', warn = true }: { value: number; label: string; text?: ReactNode; role?: 'meter' | 'progressbar'; warn?: boolean }) {
  const v = Math.round(Math.max(0, Math.min(100, value)));
  const cls = warn && v >= 90 ? ' full' : warn && v >= 75 ? ' high' : '';
  return (
    <span className="kit-meter">
      <span className={`meter${cls}`} role={role} aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={v}>
        <span style={{ width: `${v}%` }} />
      </span>
      {text !== undefined && <span className="kit-meter-text">{text}</span>}
    </span>
  );
}

export function YesNo({ value }: { value: boolean | undefined }) {
  const m = useKitMessages();
  return <span className={value ? 'kit-yes' : 'muted'}>{value ? m.yes : m.no}</span>;
}

async function writeClipboard(text: string) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard API refused (no permission / insecure origin): fall back to a selected textarea.
    const ta = document.createElement('textarea');
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const m = useKitMessages();
  const [done, setDone] = useState(false);
  return (
    <button type="button" aria-label={label} onClick={async () => { await writeClipboard(text); setDone(true); setTimeout(() => setDone(false), 1500); }}>
      {done ? m.copied : m.copy}
    </button>
  );
}
