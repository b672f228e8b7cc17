// The deploy wizard's network step: pick one or more networks of the zone (the caller's own and shared ones), say
// which NIC is the default (it carries the default route), and optionally fix an address per network. No choice
// keeps CloudStack's behaviour: the account's default network of the zone.
import { useState } from 'react';
import { useList } from '../../api/hooks';
import type { Params } from '../../api/cloud-client';
import { fmt } from '../../i18n/messages';
import { isIPv4 } from '../infrastructure/validate';
import { useNetMessages } from './messages';
import { inSubnet } from './network-form';
import type { Network } from './types';
import './networks.css';

/** A chosen network and its optional fixed address; the first one is the default NIC. */
export interface NetChoice { network: Network; ip: string }

export function fixedIpError(c: NetChoice, m: { badIp: string; outsideSubnet: string }): string | undefined {
  const ip = c.ip.trim();
  if (!ip) return undefined;
  if (!isIPv4(ip)) return m.badIp;
  const n = c.network;
  return n.gateway && n.netmask && !inSubnet(ip, n.gateway, n.netmask) ? m.outsideSubnet : undefined;
}

/** deployVirtualMachine's network arguments: networkids, or iptonetworklist when an address is fixed; default first. */
export function networkParams(chosen: NetChoice[]): Params {
  if (chosen.length === 0) return {};
  if (!chosen.some((c) => c.ip.trim())) return { networkids: chosen.map((c) => c.network.id).join(',') };
  const p: Params = {};
  chosen.forEach((c, i) => {
    p[`iptonetworklist[${i}].networkid`] = c.network.id;
    if (c.ip.trim()) p[`iptonetworklist[${i}].ip`] = c.ip.trim();
  });
  return p;
}

export function NetworkStep({ zoneid, chosen, onChange }: { zoneid: string | undefined; chosen: NetChoice[]; onChange(next: NetChoice[]): void }) {
  const m = useNetMessages();
  const [keyword, setKeyword] = useState('');
  const nets = useList('listNetworks', { zoneid, canusefordeploy: true, keyword: keyword || undefined, page: 1, pagesize: 50 }, { enabled: !!zoneid });
  const items = nets.data?.items ?? [];
  const at = (id: string) => chosen.findIndex((c) => c.network.id === id);
  const toggle = (n: Network) => onChange(at(n.id) >= 0 ? chosen.filter((c) => c.network.id !== n.id) : [...chosen, { network: n, ip: '' }]);
  const makeDefault = (id: string) => { const i = at(id); onChange([chosen[i], ...chosen.filter((_, k) => k !== i)]); };
  const setIp = (id: string, ip: string) => onChange(chosen.map((c) => (c.network.id === id ? { ...c, ip } : c)));
  // Chosen networks stay listed while a search narrows the rest.
  const shown = [...chosen.map((c) => c.network), ...items.filter((n) => at(n.id) < 0)];
  return (
    <>
      <p className="muted">{m.networkStepHint}</p>
      <input type="search" className="wiz-search" aria-label={m.searchNetworks} placeholder={m.searchNetworks} value={keyword} onChange={(e) => setKeyword(e.target.value)} />
      {nets.error && <div className="error" role="alert">{nets.error.message}</div>}
      {nets.isFetched && shown.length === 0 && <p className="muted">{m.noUsableNetworks}</p>}
      <div role="group" aria-label={m.pickNetworks} className="wiz-choices">
        {shown.map((n) => {
          const i = at(n.id);
          const c = chosen[i];
          const err = c && fixedIpError(c, m);
          return (
            <div key={n.id} className={`wiz-choice net-choice${i >= 0 ? ' on' : ''}`}>
              <label className="net-choice-main">
                <input type="checkbox" checked={i >= 0} onChange={() => toggle(n)} />
                <span className="wiz-choice-body"><strong>{n.name}</strong>
                  <span className="muted">{[n.type, n.cidr, n.account ?? n.domain].filter(Boolean).join(' · ')}</span></span>
              </label>
              {c && (
                <span className="net-choice-extra">
                  {i === 0 ? <span className="badge tone-ok">{m.defaultNic}</span>
                    : <button type="button" className="ghost" onClick={() => makeDefault(n.id)} aria-label={`${m.setDefault}: ${n.name}`}>{m.setDefault}</button>}
                  {n.type !== 'L2' && (
                    <input className="net-ip" value={c.ip} onChange={(e) => setIp(n.id, e.target.value)} inputMode="decimal"
                      aria-label={fmt(m.fixedIpFor, { name: n.name })} placeholder={m.fixedIp} aria-invalid={err ? true : undefined} title={err} />
                  )}
                  {err && <span className="bad-text net-ip-error" role="alert">{err}</span>}
                </span>
              )}
            </div>
          );
        })}
      </div>
      {(nets.data?.count ?? 0) > items.length && <p className="muted">{fmt(m.moreNetworks, { shown: items.length, count: nets.data!.count })}</p>}
      {chosen.length === 0 && <p className="muted">{m.noNetworkChoice}</p>}
    </>
  );
}

/** The review line: the networks in NIC order, the default first. */
export function useNetworkSummary() {
  const m = useNetMessages();
  return (chosen: NetChoice[]) => (chosen.length === 0 ? m.noNetworkChoice
    : fmt(m.nicsSummary, { count: chosen.length, names: chosen.map((c) => `${c.network.name}${c.ip.trim() ? ` (${c.ip.trim()})` : ''}`).join(', ') }));
}
