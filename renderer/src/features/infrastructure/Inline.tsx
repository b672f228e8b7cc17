// A compact label + control pair for toolbars. The label points at the control with htmlFor instead of wrapping
// it, so the control's accessible name is exactly the label (a wrapping label would add the control's value).
import { useId, type ReactNode } from 'react';

export function Inline({ label, className = 'infra-inline', children }: { label: string; className?: string; children(id: string): ReactNode }) {
  const id = useId();
  return <span className={className}><label htmlFor={id}>{label}</label>{children(id)}</span>;
}
