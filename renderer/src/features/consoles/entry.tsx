// What other areas use to offer a console: the "Console" button (only when the role may create console endpoints
// and the VM runs) and the slot that shows the panel. noVNC and the console code load only when a console opens.
import { lazy, Suspense } from 'react';
import { useCan } from '../../app/client-context';
import { useConsoleMessages } from './messages';
import type { VirtualMachine } from '../../../../core/contract/responses';

const ConsolePanel = lazy(() => import('./ConsolePanel'));

type VmRef = Pick<VirtualMachine, 'id' | 'name' | 'displayname' | 'state'>;

export function ConsoleButton({ vm, open, onOpen }: { vm: VmRef; open: boolean; onOpen(): void }) {
  const m = useConsoleMessages();
  const can = useCan('createConsoleEndpoint');
  if (!can || vm.state !== 'Running') return null;
  return <button aria-pressed={open} onClick={onOpen}>{m.console}</button>;
}

export function ConsoleSlot({ vm, onClose }: { vm: VmRef; onClose(): void }) {
  const m = useConsoleMessages();
  return (
    <Suspense fallback={<p className="muted">{m.connecting}</p>}>
      <ConsolePanel vm={{ id: vm.id, name: vm.displayname || vm.name }} onClose={onClose} />
    </Suspense>
  );
}
