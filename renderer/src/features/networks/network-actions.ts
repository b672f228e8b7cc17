// The actions on networks and routers that need no input beyond a confirmation: restart (optionally recreating the
// router), delete, and the router's start, stop, reboot and destroy. Shown only when the role allows the command.
import { useMemo } from 'react';
import type { Action } from '../../components/actions';
import { argsOf } from '../../components/kit/typed';
import { fmt } from '../../i18n/messages';
import { useNetMessages } from './messages';
import type { Network, Router } from './types';

const live = (n: Network) => n.state !== 'Destroy' && n.state !== 'Shutdown';

export function useNetworkActions(): Action<Network>[] {
  const m = useNetMessages();
  return useMemo(() => [
    { id: 'restart', command: 'restartNetwork', label: m.restart, bulk: true, confirm: true, when: (n) => live(n) && n.type !== 'L2',
      options: [{ key: 'cleanup', param: 'cleanup', label: m.restartCleanup, hint: m.restartCleanupHint }],
      summary: (n) => fmt(m.networkSummary, { action: m.restart, n }),
      params: (n) => argsOf('restartNetwork', { id: n.id }), describe: (n) => fmt(m.jobRestart, { name: n.name }) },
    { id: 'delete', command: 'deleteNetwork', label: m.delete, bulk: true, danger: true, when: live,
      summary: (n) => fmt(m.networkSummary, { action: m.delete, n }),
      params: (n) => argsOf('deleteNetwork', { id: n.id }), describe: (n) => fmt(m.jobDelete, { name: n.name }) },
  ], [m]);
}

export function useRouterActions(): Action<Router>[] {
  const m = useNetMessages();
  return useMemo(() => {
    const name = (r: Router) => ({ name: r.name ?? r.id });
    const summary = (action: string) => (n: number) => fmt(m.routerSummary, { action, n });
    return [
      { id: 'start', command: 'startRouter', label: m.start, bulk: true, when: (r) => r.state === 'Stopped', summary: summary(m.start),
        params: (r) => argsOf('startRouter', { id: r.id }), describe: (r) => fmt(m.jobRouterStart, name(r)) },
      { id: 'reboot', command: 'rebootRouter', label: m.reboot, bulk: true, confirm: true, when: (r) => r.state === 'Running', summary: summary(m.reboot),
        params: (r) => argsOf('rebootRouter', { id: r.id }), describe: (r) => fmt(m.jobRouterReboot, name(r)) },
      { id: 'stop', command: 'stopRouter', label: m.stop, bulk: true, confirm: true, when: (r) => r.state === 'Running', summary: summary(m.stop),
        options: [{ key: 'forced', param: 'forced', label: m.forceStop, hint: m.forceStopHint }],
        params: (r) => argsOf('stopRouter', { id: r.id }), describe: (r) => fmt(m.jobRouterStop, name(r)) },
      { id: 'destroy', command: 'destroyRouter', label: m.destroy, bulk: true, danger: true, summary: summary(m.destroy),
        params: (r) => argsOf('destroyRouter', { id: r.id }), describe: (r) => fmt(m.jobRouterDestroy, name(r)) },
    ];
  }, [m]);
}
