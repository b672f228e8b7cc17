// The custom range form of the graphs' picker: two date-time inputs (the browser's own, keyboard usable), checked
// on Apply (Enter) with the problem said beside them; Escape or Cancel closes it without changing the graphs.
import { useId, useState } from 'react';
import { checkRange, toLocalInput, type RangeProblem } from './custom-range';
import { useMetricsMessages } from './messages';

const PROBLEM_KEY: Record<RangeProblem, 'rangeMissing' | 'rangeOrder' | 'rangeFuture' | 'rangeTooOld' | 'rangeTooShort'> = {
  missing: 'rangeMissing', order: 'rangeOrder', future: 'rangeFuture', tooOld: 'rangeTooOld', tooShort: 'rangeTooShort',
};

export function CustomRangeForm({ from, to, onApply, onCancel }: { from: number; to: number; onApply(from: number, to: number): void; onCancel(): void }) {
  const m = useMetricsMessages();
  const id = useId();
  const [a, setA] = useState(() => toLocalInput(from));
  const [b, setB] = useState(() => toLocalInput(to));
  const [problem, setProblem] = useState<RangeProblem | null>(null);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const r = checkRange(a, b, Math.floor(Date.now() / 1000));
    if ('problem' in r) { setProblem(r.problem); return; }
    setProblem(null);
    onApply(r.from, r.to);
  };
  const bad = problem !== null;
  return (
    <form className="ts-custom" aria-label={m.customTitle} onSubmit={submit} onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); onCancel(); } }}>
      <label htmlFor={`${id}-from`}>{m.from}</label>
      <input id={`${id}-from`} type="datetime-local" value={a} autoFocus aria-invalid={bad} aria-describedby={bad ? `${id}-err` : undefined}
        onChange={(e) => setA(e.target.value)} />
      <label htmlFor={`${id}-to`}>{m.to}</label>
      <input id={`${id}-to`} type="datetime-local" value={b} aria-invalid={bad} aria-describedby={bad ? `${id}-err` : undefined}
        onChange={(e) => setB(e.target.value)} />
      <button type="submit" className="small primary">{m.apply}</button>
      <button type="button" className="small" onClick={onCancel}>{m.cancel}</button>
      {problem && <div id={`${id}-err`} className="error ts-custom-error" role="alert">{m[PROBLEM_KEY[problem]]}</div>}
    </form>
  );
}
