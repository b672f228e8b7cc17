// "Keys" menu: key combinations the local OS or browser would keep for itself (Ctrl+Alt+Del, Alt+Tab, Ctrl+Alt+Fn
// to switch a Linux guest's virtual terminals...). A menu button with arrow-key navigation and Escape to close.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { comboList, type Combo } from './keys';

export function KeyMenu({ label, title, disabled, onSend }: { label: string; title: string; disabled?: boolean; onSend(c: Combo): void }) {
  const [open, setOpen] = useState(false);
  const combos = useMemo(() => comboList(), []);
  const root = useRef<HTMLDivElement>(null);
  const items = useRef<(HTMLButtonElement | null)[]>([]);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    items.current[0]?.focus();
    const outside = (e: MouseEvent) => { if (!root.current?.contains(e.target as Node)) setOpen(false); };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);

  const onKeyDown = (e: KeyboardEvent) => {
    const i = items.current.findIndex((b) => b === document.activeElement);
    const move = (to: number) => { e.preventDefault(); items.current[(to + combos.length) % combos.length]?.focus(); };
    if (e.key === 'ArrowDown') move(i + 1);
    else if (e.key === 'ArrowUp') move(i - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(combos.length - 1);
    else if (e.key === 'Escape' || e.key === 'Tab') { e.preventDefault(); e.stopPropagation(); setOpen(false); }
  };

  return (
    <div className="vmc-menu" ref={root}>
      <button aria-haspopup="menu" aria-expanded={open} aria-controls={open ? menuId : undefined} title={title} disabled={disabled}
        onClick={() => setOpen(!open)}>{label} ▾</button>
      {open && (
        <div className="vmc-menu-list" role="menu" id={menuId} aria-label={title} onKeyDown={onKeyDown}>
          {combos.map((c, i) => (
            <button key={c.id} role="menuitem" tabIndex={-1} ref={(b) => { items.current[i] = b; }}
              onClick={() => { setOpen(false); onSend(c); }}>{c.label}</button>
          ))}
        </div>
      )}
    </div>
  );
}
