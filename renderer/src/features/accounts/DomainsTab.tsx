// Domains as a tree (listDomains listall, every page) beside the selected domain's details and actions:
// create a subdomain, rename, delete (optionally with its accounts).
import { useState } from 'react';
import { Card, Properties } from '../../components/Page';
import { DetailHeader } from '../../components/kit/Detail';
import { LimitsCard } from '../limits/LimitsCard';
import { useCan } from '../../app/client-context';
import { useList } from '../../api/hooks';
import { useRoute, hrefOf } from '../../state/route-store';
import { fmt } from '../../i18n/messages';
import { FormDialog, TextField, CheckField } from '../../components/kit/FormDialog';
import { useRun, errorText } from '../../components/kit/typed';
import { useKitMessages } from '../../components/kit/messages';
import { useAccountsMessages } from './messages';
import { useAllDomains } from './domains';
import { DomainTree } from './DomainTree';
import type { Domain } from './types';
import { When } from '../../components/kit/When';

type DialogKind = 'create' | 'rename' | 'delete';

export function DomainsTab({ openId }: { openId?: string }) {
  const m = useAccountsMessages();
  const k = useKitMessages();
  const navigate = useRoute((s) => s.navigate);
  const domains = useAllDomains();
  const [filter, setFilter] = useState('');
  // Without a domain in the route, show the caller's top domain rather than an empty pane.
  const selected = openId ? domains.data?.find((d) => d.id === openId) : [...(domains.data ?? [])].sort((a, b) => a.level - b.level)[0];
  return (
    <div className="acc-domains">
      <Card title={m.domainTree} actions={<button type="button" onClick={() => void domains.refetch()}>{k.refresh}</button>}>
        <input type="search" className="acc-tree-filter" aria-label={m.filterDomains} placeholder={m.filterDomains} value={filter} onChange={(e) => setFilter(e.target.value)} />
        {domains.error && <div role="alert" className="error">{fmt(k.failedLoad, { text: errorText(domains.error) })}</div>}
        {domains.isLoading ? <p className="muted">{k.loading}</p> : (
          <DomainTree domains={domains.data ?? []} selectedId={selected?.id} filter={filter} label={m.domains} emptyText={m.noDomainMatch}
            onSelect={(d) => navigate(['accounts', 'domains', d.id])} />
        )}
      </Card>
      {selected ? <DomainDetail domain={selected} onGone={() => navigate(['accounts', 'domains'])} /> : (
        <Card><p className="muted">{domains.isLoading ? k.loading : openId ? k.gone : m.pickDomain}</p></Card>
      )}
    </div>
  );
}

function DomainDetail({ domain: d, onGone }: { domain: Domain; onGone(): void }) {
  const m = useAccountsMessages();
  const [dialog, setDialog] = useState<DialogKind | null>(null);
  const can = { create: useCan('createDomain'), update: useCan('updateDomain'), del: useCan('deleteDomain'), accounts: useCan('listAccounts') };
  const accounts = useList('listAccounts', { domainid: d.id, page: 1, pagesize: 1 }, { enabled: can.accounts });
  // Asked for by id, the domain answers its used / limit / available fields (vmtotal ...).
  const counts = useList('listDomains', { id: d.id });
  const isRoot = d.level === 0;
  return (
    <Card>
      <DetailHeader level={2} name={d.path} states={[d.state]} actions={(
        <>
          {can.create && <button type="button" onClick={() => setDialog('create')}>{m.createSubdomain}</button>}
          {can.update && !isRoot && <button type="button" onClick={() => setDialog('rename')}>{m.rename}</button>}
          {can.del && !isRoot && <button type="button" className="danger" onClick={() => setDialog('delete')}>{m.delete}</button>}
        </>
      )} />
      <Properties rows={[
        [m.name, d.name], [m.path, d.path], [m.level, d.level], [m.parent, d.parentdomainname ?? '—'], [m.state, d.state ?? '—'],
        [m.networkDomain, d.networkdomain ?? '—'], [m.created, <When value={d.created} />], [m.accounts, accounts.data?.count ?? '—'],
      ]} />
      {can.accounts && (
        <p><a className="kit-link" href={hrefOf(['accounts', 'accounts'], { domainid: d.id, for: d.path })}>{m.accountsHere} →</a></p>
      )}
      <LimitsCard owner={{ kind: 'domain', domainid: d.id }} ownerName={d.path}
        counts={counts.data?.items[0] as unknown as Record<string, unknown> | undefined} />
      {dialog === 'create' && <CreateDomainDialog parent={d} onClose={() => setDialog(null)} />}
      {dialog === 'rename' && <RenameDomainDialog domain={d} onClose={() => setDialog(null)} />}
      {dialog === 'delete' && <DeleteDomainDialog domain={d} onClose={() => setDialog(null)} onDone={onGone} />}
    </Card>
  );
}

function CreateDomainDialog({ parent, onClose }: { parent: Domain; onClose(): void }) {
  const m = useAccountsMessages();
  const run = useRun();
  const navigate = useRoute((s) => s.navigate);
  const [name, setName] = useState('');
  const [networkdomain, setNetworkdomain] = useState('');
  return (
    <FormDialog title={`${m.createSubdomain}: ${parent.path}`} submitLabel={m.create} onClose={onClose} canSubmit={!!name.trim() && !name.includes('/')}
      onSubmit={async () => {
        const r = await run('createDomain', { name: name.trim(), parentdomainid: parent.id, ...(networkdomain.trim() ? { networkdomain: networkdomain.trim() } : {}) },
          fmt(m.jobCreateDomain, { name: name.trim() }));
        if (r?.domain?.id) navigate(['accounts', 'domains', r.domain.id]);
      }}>
      <TextField label={m.name} value={name} onChange={setName} required autoFocus />
      <TextField label={m.networkDomain} value={networkdomain} onChange={setNetworkdomain} />
    </FormDialog>
  );
}

function RenameDomainDialog({ domain, onClose }: { domain: Domain; onClose(): void }) {
  const m = useAccountsMessages();
  const run = useRun();
  const [name, setName] = useState(domain.name);
  return (
    <FormDialog title={`${m.rename}: ${domain.path}`} submitLabel={m.save} onClose={onClose} canSubmit={!!name.trim() && name.trim() !== domain.name}
      onSubmit={async () => { await run('updateDomain', { id: domain.id, name: name.trim() }, fmt(m.jobRenameDomain, { name: domain.name })); }}>
      <TextField label={m.name} value={name} onChange={setName} required autoFocus />
    </FormDialog>
  );
}

function DeleteDomainDialog({ domain, onClose, onDone }: { domain: Domain; onClose(): void; onDone(): void }) {
  const m = useAccountsMessages();
  const run = useRun();
  const [cleanup, setCleanup] = useState(false);
  return (
    <FormDialog title={`${m.deleteDomain}: ${domain.path}`} submitLabel={m.delete} onClose={onClose}
      onSubmit={async () => { await run('deleteDomain', { id: domain.id, cleanup }, fmt(m.jobDeleteDomain, { name: domain.path })); onDone(); }}>
      <CheckField label={m.cleanup} checked={cleanup} onChange={setCleanup} hint={m.cleanupHint} />
    </FormDialog>
  );
}
