// A modal dialog (native <dialog>): Escape closes it, focus stays inside, the page behind is inert.
import { useEffect, useRef, type ReactNode } from 'react';

export function Dialog({ open, title, onClose, children, footer, wide }: { open: boolean; title: ReactNode; onClose(): void; children: ReactNode; footer?: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
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
