// Users: by account or domain, state and keyword; detail with API keys (generate once / show) and
// enable, disable, lock, delete where allowed.
import { useMemo, useState } from 'react';
import type { Column } from '../../components/DataTable';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ActionBar } from '../../components/actions';
import { StateBadge } from '../../components/StateBadge';
import { Properties } from '../../components/Page';
import { useCan } from '../../app/client-context';
import { useRoute } from '../../state/route-store';
import { fmt } from '../../i18n/messages';
import { ListFrame, DetailPane } from '../../components/kit/ListFrame';
import { BulkActions } from '../../components/kit/BulkActions';
import { usePagedList, useDebounced } from '../../components/kit/paged-list';
import { useOne, PendingPane } from '../../components/kit/use-one';
import { FilterSelect } from '../../components/kit/Widgets';
import { useAllowed } from '../../components/kit/allowed';
import { useKitMessages } from '../../components/kit/messages';
import { useAccountsMessages } from './messages';
import { useAllDomains, domainOptions } from './domains';
import { useUserActions, accountTypeName } from './account-actions';
import { CreateUserDialog } from './AccountDialogs';
import { KeysDialog } from './KeysDialog';
import type { User } from './types';
import { When } from '../../components/kit/When';

const userId = (u: User) => u.id;
const fullName = (u: User) => [u.firstname, u.lastname].filter(Boolean).join(' ') || '—';

export function UsersTab({ openId }: { openId?: string }) {
  const m = useAccountsMessages();
  const k = useKitMessages();
  const { query, navigate } = useRoute();
  const domains = useAllDomains();
  const [keyword, setKeyword] = useState('');
  const kw = useDebounced(keyword);
  const [domainid, setDomainid] = useState(query.account ? '' : (query.domainid ?? ''));
  const [state, setState] = useState('');
  // An account scope comes from a link (account name + its domain); it replaces the domain filter.
  const scope = query.account && query.domainid ? { account: query.account, domainid: query.domainid } : null;
  const list = usePagedList('listUsers', {
    listall: true, keyword: kw, state, ...(scope ?? (domainid ? { domainid, isrecursive: true } : {})),
  }, userId);
  const actions = useUserActions();
  const anyAction = useAllowed(actions);
  const canCreate = useCan('createUser');
  const [creating, setCreating] = useState(false);

  const columns = useMemo((): Column<User>[] => [
    { key: 'username', header: m.username, width: 'minmax(120px, 1fr)', render: (u) => <strong>{u.username}</strong> },
    { key: 'name', header: m.fullName, width: 'minmax(120px, 1fr)', render: fullName },
    { key: 'email', header: m.email, width: 'minmax(140px, 1.2fr)', render: (u) => u.email || '—' },
    { key: 'state', header: m.state, width: 100, render: (u) => <StateBadge state={u.state} /> },
    { key: 'account', header: m.account, width: 'minmax(100px, .8fr)', render: (u) => u.account },
    { key: 'role', header: m.role, width: 'minmax(110px, .9fr)', render: (u) => u.rolename ?? accountTypeName(m, u.accounttype) },
    { key: 'domain', header: m.domain, width: 'minmax(100px, .8fr)', render: (u) => u.domain ?? '—' },
  ], [m]);

  return (
    <>
      <ListFrame<User>
        label={m.users}
        list={list}
        columns={columns}
        keyword={{ value: keyword, onChange: setKeyword }}
        filters={(
          <>
            {scope ? (
              <button type="button" className="ghost" onClick={() => navigate(['accounts', 'users'])} aria-label={`${k.clearFilter}: ${scope.account}`}>
                {m.account}: {query.for ?? scope.account} ✕
              </button>
            ) : (
              (domains.data?.length ?? 0) > 1 && <FilterSelect label={m.domain} value={domainid} onChange={setDomainid} options={[['', m.allDomains], ...domainOptions(domains.data)]} />
            )}
            <FilterSelect label={m.state} value={state} onChange={setState}
              options={[['', m.allStates], ['enabled', m.enabled], ['disabled', m.disabled], ['locked', m.locked]]} />
          </>
        )}
        actions={canCreate && <button type="button" className="primary" onClick={() => setCreating(true)}>{m.createUser}</button>}
        bulk={anyAction ? () => <BulkActions actions={actions} list={list} nameOf={(u) => u.username} /> : undefined}
        onOpen={(u) => navigate(['accounts', 'users', u.id], query)}
        detail={openId && <UserDetail id={openId} onClose={() => navigate(['accounts', 'users'], query)} onChanged={list.refresh} />}
      />
      {creating && (
        <CreateUserDialog account={scope ? { name: scope.account, domainid: scope.domainid } : undefined}
          onClose={() => setCreating(false)} onDone={list.refresh} />
      )}
    </>
  );
}

function UserDetail({ id, onClose, onChanged }: { id: string; onClose(): void; onChanged(): void }) {
  const m = useAccountsMessages();
  const { item: u, loading, error } = useOne('listUsers', { id, listall: true });
  const actions = useUserActions();
  const can = { gen: useCan('registerUserKeys'), show: useCan('getUserKeys') };
  const [keys, setKeys] = useState<'generate' | 'show' | null>(null);
  const [asking, setAsking] = useState(false);
  if (!u) return <PendingPane loading={loading} error={error} onClose={onClose} />;
  return (
    <DetailPane title={u.username} states={[u.state]} onClose={onClose} actions={<ActionBar actions={actions} rows={[u]} nameOf={(x) => x.username} onDone={onChanged} />}>
      <ConfirmDialog request={asking ? { title: m.generateKeys, summary: fmt(m.regenerateConfirm, { name: u.username }), names: [u.username], danger: true, confirmLabel: m.generateKeys } : null}
        onCancel={() => setAsking(false)} onConfirm={() => { setAsking(false); setKeys('generate'); }} />
      <Properties rows={[
        [m.fullName, fullName(u)], [m.email, u.email || '—'], [m.state, <StateBadge state={u.state} />], [m.account, u.account],
        [m.role, u.rolename ?? '—'], [m.accountType, accountTypeName(m, u.accounttype)], [m.domain, u.domain ?? '—'],
        [m.timezone, u.timezone ?? '—'], [m.source, u.usersource ?? '—'], [m.created, <When value={u.created} />],
      ]} />
      {(can.gen || can.show) && (
        <div>
          <h3>{m.keys}</h3>
          <div className="acc-keys-actions">
            {can.gen && <button type="button" onClick={() => setAsking(true)}>{m.generateKeys}</button>}
            {can.show && <button type="button" onClick={() => setKeys('show')}>{m.showKeys}</button>}
          </div>
        </div>
      )}
      {keys && <KeysDialog user={u} mode={keys} onClose={() => setKeys(null)} />}
    </DetailPane>
  );
}
