// What other areas use to offer a console: the "Console" button (only when the role may create console endpoints
// and the VM runs on a hypervisor with a display) and the slot that shows the panel. noVNC and the console code load only when a console opens.
import { lazy, Suspense } from 'react';
import { useCan } from '../../app/client-context';
import { useConsoleMessages } from './messages';
import type { VirtualMachine } from '../../../../core/contract/responses';

const ConsolePanel = lazy(() => import('./ConsolePanel'));

type VmRef = Pick<VirtualMachine, 'id' | 'name' | 'displayname' | 'state' | 'hypervisor'>;

/** Simulator VMs have no display: their console could never connect, so none is offered. */
export const hasConsole = (vm: { state: string; hypervisor?: string }) => vm.state === 'Running' && vm.hypervisor !== 'Simulator';

export function ConsoleButton({ vm, open, onOpen }: { vm: VmRef; open: boolean; onOpen(): void }) {
  const m = useConsoleMessages();
  const can = useCan('createConsoleEndpoint');
  if (!can || !hasConsole(vm)) return null;
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
