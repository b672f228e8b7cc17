// A list of choices shown as labelled radio buttons (the wizard's zones, images and offerings; volumes to attach):
// each choice is one click target, its whole text is the radio's accessible name, arrows move between them.
import type { ReactNode } from 'react';

export function Choices<T extends { id: string }>({ label, items, value, onPick, render, empty }: {
  label: string; items: T[] | undefined; value?: string; onPick(item: T): void; render(item: T): ReactNode; empty: string;
}) {
  if (items && items.length === 0) return <p className="muted">{empty}</p>;
  return (
    <div role="radiogroup" aria-label={label} className="wiz-choices">
      {items?.map((it) => (
        <label key={it.id} className={`wiz-choice${value === it.id ? ' on' : ''}`}>
          <input type="radio" name={label} checked={value === it.id} onChange={() => onPick(it)} />
          <span className="wiz-choice-body">{render(it)}</span>
        </label>
      ))}
    </div>
  );
}
