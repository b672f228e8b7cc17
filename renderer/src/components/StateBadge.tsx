import { useStateLabel } from '../i18n/glossary';

// A resource state shown the same way everywhere (colour by meaning, text always present for accessibility).
const TONE: Record<string, string> = {
  Running: 'ok', Up: 'ok', Enabled: 'ok', Ready: 'ok', BackedUp: 'ok', 'Download Complete': 'ok', Active: 'ok', enabled: 'ok', Implemented: 'ok',
  Stopped: 'idle', Disabled: 'idle', Allocated: 'idle', disabled: 'idle', Destroyed: 'idle',
  Starting: 'busy', Stopping: 'busy', Migrating: 'busy', Creating: 'busy', Expunging: 'busy', PrepareForMaintenance: 'busy', Connecting: 'busy',
  Setup: 'ok', Implementing: 'busy', Add: 'busy', Revoke: 'warn', Releasing: 'busy',
  Error: 'bad', Alert: 'bad', Down: 'bad', Disconnected: 'bad', ErrorInMaintenance: 'bad', Unknown: 'bad', locked: 'bad',
  Maintenance: 'warn',
  // A load balancer member's health as haproxy reports it (listLoadBalancerRuleInstances' servicestate).
  UP: 'ok', DOWN: 'bad',
};

export function stateTone(state: string | undefined): string {
  return TONE[state ?? ''] ?? 'idle';
}

/** The state in the console's language; the API's own value stays in the title (and in searches and filters). */
export function StateBadge({ state }: { state?: string }) {
  const label = useStateLabel();
  return <span className={`badge tone-${stateTone(state)}`} title={state} data-state={state}>{state ? label(state) : '—'}</span>;
}
