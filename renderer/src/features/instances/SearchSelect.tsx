// A searchable select over a list command (hosts, accounts): the server does the search (keyword, first 20 matches),
// so it works the same with 10 hosts or 10,000. ARIA combobox: arrows move, Enter picks, Escape closes.
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { useList } from '../../api/hooks';
import type { Params } from '../../api/cloud-client';
import type { ListCommandFor } from '../../api/list-types';
import { fmt } from '../../i18n/messages';

export interface SearchSelectProps<T> {
  label: string;
  command: ListCommandFor<T>;
  params?: Params;
  /** Id of the chosen item (or its name when `selectedLabel` is given). */
  value?: string;
  /** Text for the current value; without it the item is looked up by id. */
  selectedLabel?: string;
  optionLabel(item: T): string;
  optionHint?(item: T): string;
  onChange(item: T | null): void;
  placeholder: string;
  clearLabel: string;
  noMatches: string;
  moreMatches: string;
}

const PAGE = 20;

export function SearchSelect<T extends { id: string }>(p: SearchSelectProps<T>) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [keyword, setKeyword] = useState('');
  const [active, setActive] = useState(0);
  useEffect(() => {
    const t = setTimeout(() => setKeyword(text.trim()), 200);
    return () => clearTimeout(t);
  }, [text]);

  const list = useList(p.command, { ...p.params, keyword: keyword || undefined, page: 1, pagesize: PAGE }, { enabled: open });
  const current = useList(p.command, { ...p.params, id: p.value, page: 1, pagesize: 1 }, { enabled: !!p.value && !p.selectedLabel });
  // The command answers T items (ListCommandFor<T>); the compiler cannot follow that through the generic.
  const items = (list.data?.items ?? []) as unknown as T[];
  const found = current.data?.items[0] as T | undefined;
  const shown = p.value ? (p.selectedLabel ?? (found ? p.optionLabel(found) : p.value)) : '';

  const pick = (item: T | null) => {
    p.onChange(item);
    setOpen(false);
    setText('');
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); setOpen(true); setActive((i) => Math.min(items.length - 1, i + 1)); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((i) => Math.max(0, i - 1)); }
    else if (e.key === 'Enter' && open && items[active]) { e.preventDefault(); pick(items[active]); }
    else if (e.key === 'Escape' && open) { e.preventDefault(); e.stopPropagation(); setOpen(false); setText(''); }
  };

  return (
    <div className="field search-select">
      <label className="field-label" htmlFor={`${id}-in`}>{p.label}</label>
      <div className="search-select-box">
        <input id={`${id}-in`} role="combobox" aria-expanded={open} aria-controls={`${id}-list`} aria-autocomplete="list"
          aria-activedescendant={open && items[active] ? `${id}-o${active}` : undefined}
          placeholder={p.placeholder} value={open ? text : shown}
          onFocus={() => { setOpen(true); setActive(0); }}
          onBlur={() => { setOpen(false); setText(''); }}
          onChange={(e) => { setText(e.target.value); setOpen(true); setActive(0); }}
          onKeyDown={onKey} />
        {p.value && <button type="button" className="icon" aria-label={p.clearLabel} onClick={() => pick(null)}>✕</button>}
        {open && (
          <ul id={`${id}-list`} role="listbox" aria-label={p.label} className="search-select-list">
            {items.map((item, i) => (
              <li key={item.id} id={`${id}-o${i}`} role="option" aria-selected={i === active} className={i === active ? 'active' : ''}
                onMouseDown={(e) => { e.preventDefault(); pick(item); }} onMouseEnter={() => setActive(i)}>
                <span>{p.optionLabel(item)}</span>
                {p.optionHint && <span className="muted">{p.optionHint(item)}</span>}
              </li>
            ))}
            {list.isFetched && items.length === 0 && <li className="muted" aria-disabled="true">{p.noMatches}</li>}
            {(list.data?.count ?? 0) > items.length && <li className="muted" aria-disabled="true">{fmt(p.moreMatches, { shown: items.length, count: list.data!.count })}</li>}
          </ul>
        )}
      </div>
    </div>
  );
}
