// Plain form shapes and their checks, shared by the add dialogs and the zone wizard (no React here, so the
// wizard's logic can be tested without a DOM).
import type { Errors } from './validate';

export interface HostForm { url: string; username: string; password: string; hosttags: string }

export const emptyHostForm = (url = ''): HostForm => ({ url, username: '', password: '', hosttags: '' });

export function hostFormErrors(f: HostForm, hypervisor: string, m: { required: string }): Errors<keyof HostForm> {
  const e: Errors<keyof HostForm> = {};
  if (!f.url.trim()) e.url = m.required;
  // Real hypervisors need credentials to be reached; the simulator ignores them.
  if (hypervisor !== 'Simulator' && !f.username.trim()) e.username = m.required;
  if (hypervisor !== 'Simulator' && !f.password) e.password = m.required;
  return e;
}

export interface PrimaryForm { name: string; url: string; scope: 'CLUSTER' | 'ZONE'; tags: string }

export function primaryErrors(f: PrimaryForm, m: { required: string }): Errors<keyof PrimaryForm> {
  const e: Errors<keyof PrimaryForm> = {};
  if (!f.name.trim()) e.name = m.required;
  if (!f.url.trim()) e.url = m.required;
  return e;
}
