// The load balancer rules of a public address: algorithm, ports and protocol, state, editing and the policies
// (LbPolicies), and the instances behind each rule (listLoadBalancerRuleInstances) with their health as the router's
// haproxy sees it, adding and removing them.
import { useState } from 'react';
import { useList } from '../../api/hooks';
import { useCan } from '../../app/client-context';
import { ActionBar, type Action } from '../../components/actions';
import { StateBadge } from '../../components/StateBadge';
import { argsOf } from '../../components/kit/typed';
import { fmt } from '../../i18n/messages';
import { useEdgeMessages } from './edge-messages';
import { AssignDialog, LbDialog } from './edge-dialogs';
import { LbEditDialog, LbPolicies } from './LbPolicies';
import type { LoadBalancerRule, PublicIp, Vm } from './types';

export function LbRules({ ip }: { ip: PublicIp }) {
  const m = useEdgeMessages();
  const q = useList('listLoadBalancerRules', { publicipid: ip.id, listall: true });
  const rules = q.data?.items ?? [];
  const [adding, setAdding] = useState(false);
  const canAdd = useCan('createLoadBalancerRule');
  return (
    <section className="net-section" aria-label={m.loadBalancers}>
      <div className="net-section-head">
        <h3>{m.loadBalancers}</h3>
        {canAdd && <button type="button" onClick={() => setAdding(true)}>{m.addLb}</button>}
      </div>
      {q.error && <div className="error" role="alert">{q.error.message}</div>}
      {rules.length === 0 && <p className="muted">{q.isFetched ? m.noLb : m.loading}</p>}
      <ul className="edge-lb-list">
        {rules.map((r) => <LbRuleCard key={r.id} rule={r} />)}
      </ul>
      {adding && <LbDialog ip={ip} onClose={() => setAdding(false)} />}
    </section>
  );
}

function LbRuleCard({ rule: r }: { rule: LoadBalancerRule }) {
  const m = useEdgeMessages();
  const members = useList('listLoadBalancerRuleInstances', { id: r.id });
  const vms = members.data?.items ?? [];
  const [assigning, setAssigning] = useState(false);
  const [editing, setEditing] = useState(false);
  const canAssign = useCan('assignToLoadBalancerRule');
  const canEdit = useCan('updateLoadBalancerRule');
  const algorithm = { roundrobin: m.roundrobin, leastconn: m.leastconn, source: m.source }[r.algorithm] ?? r.algorithm;
  const del: Action<LoadBalancerRule> = {
    id: 'delete', command: 'deleteLoadBalancerRule', label: m.delete, danger: true, when: (x) => x.state !== 'Revoke',
    params: (x) => argsOf('deleteLoadBalancerRule', { id: x.id }), describe: (x) => fmt(m.jobDeleteLb, { name: x.name }),
  };
  const remove: Action<Vm> = {
    id: 'remove', command: 'removeFromLoadBalancerRule', label: m.remove, confirm: true,
    params: (v) => argsOf('removeFromLoadBalancerRule', { id: r.id, virtualmachineids: [v.id] }),
    describe: (v) => fmt(m.jobRemove, { vm: v.displayname || v.name, name: r.name }),
  };
  return (
    <li className="edge-lb" aria-label={r.name}>
      <div className="edge-lb-head">
        <strong>{r.name}</strong>
        <StateBadge state={r.state} />
        <span className="muted">{`${r.protocol?.toUpperCase() ?? 'TCP'} ${r.publicport} → ${r.privateport} · ${algorithm}`}</span>
        {r.cidrlist && <span className="muted">{r.cidrlist}</span>}
        {r.description && <span className="muted">{r.description}</span>}
        <span className="edge-lb-actions">
          {canEdit && r.state !== 'Revoke' && <button type="button" onClick={() => setEditing(true)}>{m.edit}</button>}
          {canAssign && <button type="button" onClick={() => setAssigning(true)}>{m.assign}</button>}
          <ActionBar actions={[del]} rows={[r]} nameOf={(x) => x.name} />
        </span>
      </div>
      <LbPolicies rule={r} />
      {members.error && <div className="error" role="alert">{members.error.message}</div>}
      {vms.length === 0 ? <p className="muted">{members.isFetched ? m.noMembers : m.loading}</p> : (
        <ul className="edge-members" aria-label={m.members}>
          {vms.map((v) => (
            <li key={v.id}>
              <span>{v.displayname || v.name}</span>
              <span className="kit-mono muted">{v.nic?.find((n) => n.networkid === r.networkid)?.ipaddress ?? v.ipaddress ?? ''}</span>
              <StateBadge state={v.state} />
              {/* haproxy's view of the member (UDP rules and routers without a data path have none) */}
              <span className="edge-health" aria-label={m.health} title={v.servicestate ? m.health : m.healthUnknown}>
                {v.servicestate ? <StateBadge state={v.servicestate} /> : <span className="muted">{m.none}</span>}
              </span>
              <ActionBar actions={[remove]} rows={[v]} nameOf={(x) => x.displayname || x.name} />
            </li>
          ))}
        </ul>
      )}
      {assigning && <AssignDialog rule={r} onClose={() => setAssigning(false)} />}
      {editing && <LbEditDialog rule={r} onClose={() => setEditing(false)} />}
    </li>
  );
}
