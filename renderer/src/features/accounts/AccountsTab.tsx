// Accounts: by domain (with or without subdomains), state, type and keyword; detail with the account's users;
// create, enable, disable, lock and delete where the role allows.
import { useMemo, useState } from 'react';
import type { Column } from '../../components/DataTable';
import { ActionBar } from '../../components/actions';
import { StateBadge } from '../../components/StateBadge';
import { Properties } from '../../components/Page';
import { useCan } from '../../app/client-context';
import { useRoute, hrefOf } from '../../state/route-store';
import { ListFrame, DetailPane } from '../../components/kit/ListFrame';
import { BulkActions } from '../../components/kit/BulkActions';
import { usePagedList, useDebounced } from '../../components/kit/paged-list';
import { useOne, PendingPane } from '../../components/kit/use-one';
import { FilterSelect } from '../../components/kit/Widgets';
import { useAllowed } from '../../components/kit/allowed';
import { useAccountsMessages } from './messages';
import { useAllDomains, domainOptions } from './domains';
import { useAccountActions, accountTypeName } from './account-actions';
import { CreateAccountDialog, CreateUserDialog } from './AccountDialogs';
import type { Account } from './types';
import { When, dateColumn } from '../../components/kit/When';
import { LimitsCard } from '../limits/LimitsCard';

const accountId = (a: Account) => a.id;

export function AccountsTab({ openId }: { openId?: string }) {
  const m = useAccountsMessages();
  const { query, navigate } = useRoute();
  const domains = useAllDomains();
  const [keyword, setKeyword] = useState('');
  const kw = useDebounced(keyword);
  const [domainid, setDomainid] = useState(query.domainid ?? '');
  const [recursive, setRecursive] = useState(true);
  const [state, setState] = useState('');
  const [type, setType] = useState('');
  const list = usePagedList('listAccounts', {
    listall: true, keyword: kw, state, accounttype: type, ...(domainid ? { domainid, isrecursive: recursive } : {}),
  }, accountId);
  const actions = useAccountActions();
  const anyAction = useAllowed(actions);
  const canCreate = useCan('createAccount');
  const [creating, setCreating] = useState(false);

  const columns = useMemo((): Column<Account>[] => [
    { key: 'name', header: m.name, width: 'minmax(140px, 1.2fr)', render: (a) => <strong>{a.name}</strong> },
    { key: 'state', header: m.state, width: 100, render: (a) => <StateBadge state={a.state} /> },
    { key: 'role', header: m.role, width: 'minmax(120px, 1fr)', render: (a) => a.rolename ?? '—' },
    { key: 'type', header: m.accountType, width: 130, render: (a) => accountTypeName(m, a.accounttype) },
    { key: 'domain', header: m.domain, width: 'minmax(140px, 1.2fr)', render: (a) => a.domainpath ?? a.domain ?? '—' },
    { key: 'users', header: m.usersCount, width: 70, render: (a) => a.user?.length ?? '—' },
    dateColumn<Account>('created', m.created, (a) => a.created),
  ], [m]);

  return (
    <>
      <ListFrame<Account>
        label={m.accounts}
        list={list}
        columns={columns}
        keyword={{ value: keyword, onChange: setKeyword }}
        filters={(
          <>
            {(domains.data?.length ?? 0) > 1 && (
              <FilterSelect label={m.domain} value={domainid} onChange={setDomainid} options={[['', m.allDomains], ...domainOptions(domains.data)]} />
            )}
            {domainid && (
              <label className="kit-filter"><input type="checkbox" checked={recursive} onChange={(e) => setRecursive(e.target.checked)} />{m.subdomains}</label>
            )}
            <FilterSelect label={m.state} value={state} onChange={setState}
              options={[['', m.allStates], ['enabled', m.enabled], ['disabled', m.disabled], ['locked', m.locked]]} />
            <FilterSelect label={m.type} value={type} onChange={setType}
              options={[['', m.allTypes], ...[0, 2, 1, 3].map((t): [string, string] => [String(t), accountTypeName(m, t)])]} />
          </>
        )}
        actions={canCreate && <button type="button" className="primary" onClick={() => setCreating(true)}>{m.createAccount}</button>}
        bulk={anyAction ? () => <BulkActions actions={actions} list={list} nameOf={(a) => a.name} /> : undefined}
        onOpen={(a) => navigate(['accounts', 'accounts', a.id], query)}
        detail={openId && <AccountDetail id={openId} onClose={() => navigate(['accounts', 'accounts'], query)} onChanged={list.refresh} />}
      />
      {creating && <CreateAccountDialog defaultDomainId={domainid} onClose={() => setCreating(false)} onDone={list.refresh} />}
    </>
  );
}

function AccountDetail({ id, onClose, onChanged }: { id: string; onClose(): void; onChanged(): void }) {
  const m = useAccountsMessages();
  const { item: a, loading, error } = useOne('listAccounts', { id, listall: true });
  const actions = useAccountActions();
  const canAddUser = useCan('createUser');
  const [adding, setAdding] = useState(false);
  if (!a) return <PendingPane loading={loading} error={error} onClose={onClose} />;
  return (
    <DetailPane title={a.name} states={[a.state]} onClose={onClose} actions={(
      <>
        <ActionBar actions={actions} rows={[a]} nameOf={(x) => x.name} onDone={onChanged} />
        {canAddUser && <button type="button" onClick={() => setAdding(true)}>{m.addUser}</button>}
      </>
    )}>
      <Properties rows={[
        [m.state, <StateBadge state={a.state} />], [m.role, a.rolename ?? '—'], [m.accountType, accountTypeName(m, a.accounttype)],
        [m.domain, a.domainpath ?? a.domain], [m.networkDomain, a.networkdomain ?? '—'], [m.created, <When value={a.created} />],
      ]} />
      <div>
        <h3>{m.usersOf}</h3>
        <ul className="acc-users">
          {(a.user ?? []).map((u) => (
            <li key={u.id}>
              <a className="kit-link" href={hrefOf(['accounts', 'users', u.id], { account: a.name, domainid: a.domainid, for: a.name })}>{u.username}</a>
              {' '}<span className="muted">{[u.firstname, u.lastname].filter(Boolean).join(' ')}</span> <StateBadge state={u.state ?? ''} />
            </li>
          ))}
        </ul>
      </div>
      {a.domainid && <LimitsCard owner={{ kind: 'account', account: a.name, domainid: a.domainid }} ownerName={a.name}
        counts={a as unknown as Record<string, unknown>} />}
      {adding && <CreateUserDialog account={a} onClose={() => setAdding(false)} onDone={onChanged} />}
    </DetailPane>
  );
}
