// Page frame: title, optional toolbar, body. Every view uses it so headers and spacing stay consistent.
import { cloneElement, isValidElement, useId, type ReactElement, type ReactNode } from 'react';

export function Page({ title, subtitle, toolbar, children }: { title: ReactNode; subtitle?: ReactNode; toolbar?: ReactNode; children: ReactNode }) {
  return (
    <section className="page" aria-label={typeof title === 'string' ? title : undefined}>
      <header className="page-head">
        <div>
          <h1>{title}</h1>
          {subtitle && <div className="page-sub">{subtitle}</div>}
        </div>
        {toolbar && <div className="page-toolbar">{toolbar}</div>}
      </header>
      <div className="page-body">{children}</div>
    </section>
  );
}

export function Card({ title, children, actions }: { title?: ReactNode; children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="card">
      {(title || actions) && <div className="card-head"><h2>{title}</h2>{actions}</div>}
      <div className="card-body">{children}</div>
    </div>
  );
}

/**
 * A labelled form control. The label points at the control with htmlFor (not by wrapping it), so a select's
 * accessible name is the label alone and the hint is its description, not part of its name.
 */
export function Field({ label, children, hint }: { label: ReactNode; children: ReactNode; hint?: ReactNode }) {
  const id = useId();
  const control = isValidElement(children)
    ? cloneElement(children as ReactElement<{ id?: string; 'aria-describedby'?: string }>, {
      id: (children.props as { id?: string }).id ?? id,
      ...(hint ? { 'aria-describedby': `${id}-hint` } : {}),
    })
    : children;
  const controlId = isValidElement(children) ? (children.props as { id?: string }).id ?? id : undefined;
  return (
    <div className="field">
      <label className="field-label" htmlFor={controlId}>{label}</label>
      {control}
      {hint && <span className="field-hint" id={`${id}-hint`}>{hint}</span>}
    </div>
  );
}

/** Key/value list for detail pages. */
export function Properties({ rows }: { rows: [ReactNode, ReactNode][] }) {
  return (
    <dl className="props">
      {rows.map(([k, v], i) => (
        <div key={i} className="prop"><dt>{k}</dt><dd>{v ?? '—'}</dd></div>
      ))}
    </dl>
  );
}
