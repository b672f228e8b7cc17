// A modal dialog (native <dialog>): Escape closes it, focus stays inside, the page behind is inert. Focus goes to
// the first field (else the first footer button, never the close button) and back to the control that opened it.
import { useEffect, useRef, type ReactNode } from 'react';

const FIELD = 'input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), [role=listbox], [role=grid], [data-autofocus]';

export function Dialog({ open, title, onClose, children, footer, wide }: { open: boolean; title: ReactNode; onClose(): void; children: ReactNode; footer?: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      d.showModal();
      const first = d.querySelector<HTMLElement>(`.dialog-body :is(${FIELD})`) ?? d.querySelector<HTMLElement>('.dialog-foot button:not([disabled])');
      first?.focus();
    }
    if (!open && d.open) d.close();
    if (!open && opener.current) {
      // The opener may be gone (a row action removed its row): then focus stays where the browser puts it.
      if (opener.current.isConnected) opener.current.focus();
      opener.current = null;
    }
  }, [open]);
  // A dialog that is unmounted rather than closed (rendered only while needed) gives focus back too.
  useEffect(() => () => {
    const o = opener.current;
    if (o?.isConnected) requestAnimationFrame(() => { if (o.isConnected) o.focus(); });
  }, []);
  return (
    <dialog ref={ref} className={`dialog${wide ? ' wide' : ''}`} aria-label={typeof title === 'string' ? title : undefined} onClose={onClose} onCancel={onClose}>
      {open && (
        <>
          <header className="dialog-head"><h2>{title}</h2><button className="icon" aria-label="close" onClick={onClose}>✕</button></header>
          <div className="dialog-body">{children}</div>
          {footer && <footer className="dialog-foot">{footer}</footer>}
        </>
      )}
    </dialog>
  );
}
