// The VM actions, declared once for the list (bulk) and the detail page (single). Each applies only in the states
// CloudStack's state machine allows, so the buttons shown are the ones that can succeed.
import type { Action } from '../../components/actions';
import { fmt } from '../../i18n/messages';
import type { Vm, Volume } from './vm';
import type { InstMessages } from './messages';

const is = (...states: string[]) => (v: Vm) => states.includes(v.state);

/**
 * Stop, reboot, destroy and expunge ask first (naming the VMs); stop offers a forced power-off and destroy, for
 * admins (CloudStack lets only them), an immediate expunge.
 */
export function vmActions(m: InstMessages, admin = false): Action<Vm>[] {
  const job = (template: string) => (v: Vm) => fmt(template, { name: v.name });
  const summary = (action: string) => (n: number) => fmt(m.actionSummary, { action, n });
  return [
    { id: 'start', command: 'startVirtualMachine', label: m.start, bulk: true, when: is('Stopped', 'Shutdown'), params: (v) => ({ id: v.id }), describe: job(m.jobStart) },
    { id: 'stop', command: 'stopVirtualMachine', label: m.stop, bulk: true, confirm: true, summary: summary(m.stop), when: is('Running'),
      options: [{ key: 'force', param: 'forced', label: m.forceStop, hint: m.forceStopHint }], params: (v) => ({ id: v.id }), describe: job(m.jobStop) },
    { id: 'reboot', command: 'rebootVirtualMachine', label: m.reboot, bulk: true, confirm: true, summary: summary(m.reboot), when: is('Running'), params: (v) => ({ id: v.id }), describe: job(m.jobReboot) },
    { id: 'recover', command: 'recoverVirtualMachine', label: m.recover, bulk: true, when: is('Destroyed'), params: (v) => ({ id: v.id }), describe: job(m.jobRecover) },
    { id: 'destroy', command: 'destroyVirtualMachine', label: m.destroy, bulk: true, danger: true, summary: summary(m.destroy), when: is('Running', 'Stopped', 'Error', 'Shutdown'),
      options: admin ? [{ key: 'expunge', param: 'expunge', label: m.expungeNow, hint: m.expungeNowHint }] : undefined,
      params: (v) => ({ id: v.id }), describe: job(m.jobDestroy) },
    { id: 'expunge', command: 'expungeVirtualMachine', label: m.expunge, bulk: true, danger: true, summary: summary(m.expunge), when: is('Destroyed'), params: (v) => ({ id: v.id }), describe: job(m.jobExpunge) },
  ];
}

export function volumeActions(m: InstMessages): Action<Volume>[] {
  return [
    { id: 'snapshot', command: 'createSnapshot', label: m.takeSnapshot, when: (v) => v.state === 'Ready', params: (v) => ({ volumeid: v.id }), describe: (v) => fmt(m.jobSnapshot, { name: v.name }) },
    { id: 'detach', command: 'detachVolume', label: m.detach, danger: true, when: (v) => v.type === 'DATADISK' && !!v.virtualmachineid, params: (v) => ({ id: v.id }), describe: (v) => fmt(m.jobDetach, { name: v.name }) },
  ];
}
