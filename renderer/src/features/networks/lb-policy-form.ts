// The health check policy form of a load balancer rule: CloudStack's fields, each mistake named before the server
// is asked (a path that does not start with /, a count below 1, a timeout longer than the interval). Pure.
import type { Errors } from './edge-form';

export interface HealthMessages { badPositive: string; badPath: string; timeoutOverInterval: string }
export interface HealthForm { pingpath: string; intervaltime: string; responsetimeout: string; healthythreshold: string; unhealthythreshold: string }
export const emptyHealth = (): HealthForm => ({ pingpath: '', intervaltime: '5', responsetimeout: '2', healthythreshold: '2', unhealthythreshold: '2' });

const counts = ['intervaltime', 'responsetimeout', 'healthythreshold', 'unhealthythreshold'] as const;
const positive = (s: string) => /^\d{1,6}$/.test(s.trim()) && Number(s) >= 1;

export function healthErrors(f: HealthForm, m: HealthMessages): Errors<keyof HealthForm> {
  const e: Errors<keyof HealthForm> = {};
  if (f.pingpath.trim() && !f.pingpath.trim().startsWith('/')) e.pingpath = m.badPath;
  for (const k of counts) if (f[k].trim() && !positive(f[k])) e[k] = m.badPositive;
  if (!e.intervaltime && !e.responsetimeout && Number(f.responsetimeout) > Number(f.intervaltime)) e.responsetimeout = m.timeoutOverInterval;
  return e;
}

export function healthArgs(f: HealthForm) {
  const n = (s: string) => (s.trim() ? Number(s) : undefined);
  return { pingpath: f.pingpath.trim() || undefined, intervaltime: n(f.intervaltime), responsetimeout: n(f.responsetimeout),
    healthythreshold: n(f.healthythreshold), unhealthythreshold: n(f.unhealthythreshold) };
}
