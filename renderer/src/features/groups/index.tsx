// Groups: the caller's instance groups (create, delete, and a link to the instances list filtered by the group on
// the server) and affinity groups (create with their type, delete). Both lists are searched and paged on the server.
import { useState, type FormEvent } from 'react';
import { useAction, useList } from '../../api/hooks';
import { useCan } from '../../app/client-context';
import { Card, Page } from '../../components/Page';
import { When } from '../../components/kit/When';
import { useDebounced } from '../../components/kit/paged-list';
import { fmt } from '../../i18n/messages';
import { hrefOf } from '../../state/route-store';
import { useGroupMessages, type GroupMessages } from './messages';
import '../projects/projects.css';
import '../tags/tags.css';
import './groups.css';

const PAGE = 100;

function InstanceGroups({ m, onError }: { m: GroupMessages; onError(e: Error): void }) {
  const run = useAction();
  const canCreate = useCan('createInstanceGroup');
  const canDelete = useCan('deleteInstanceGroup');
  const [search, setSearch] = useState('');
  const kw = useDebounced(search);
  const list = useList('listInstanceGroups', { keyword: kw || undefined, listall: true, page: 1, pagesize: PAGE });
  const [name, setName] = useState('');
  const items = list.data?.items ?? [];
  const create = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) { onError(new Error(m.needName)); return; }
    run('createInstanceGroup', { name: name.trim() }, fmt(m.jobCreateGroup, { name: name.trim() })).then(() => setName(''), onError);
  };
  return (
    <Card title={m.instanceGroups}>
      <div className="groups-tools">
        {canCreate && (
          <form className="tag-form" onSubmit={create} aria-label={m.instanceGroups}>
            <label>{m.name} <input value={name} onChange={(e) => setName(e.target.value)} maxLength={255} /></label>
            <button type="submit">{m.create}</button>
          </form>
        )}
        <input type="search" aria-label={fmt('{a}: {b}', { a: m.instanceGroups, b: m.search })} placeholder={m.search} value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      {list.error && <div className="error" role="alert">{list.error.message}</div>}
      {list.isFetched && items.length === 0 ? <p className="muted">{kw ? m.noMatches : m.noInstanceGroups}</p> : (
        <table className="simple-table" aria-label={m.instanceGroups}>
          <thead><tr><th>{m.name}</th><th>{m.account}</th><th>{m.created}</th><th /></tr></thead>
          <tbody>
            {items.map((g) => (
              <tr key={g.id}>
                <td><a className="kit-link" href={hrefOf(['instances'], { groupid: g.id })} title={m.showVms}>{g.name}</a></td>
                <td>{g.account}</td><td><When value={g.created} /></td>
                <td className="groups-act">{canDelete && <button type="button" className="danger" onClick={() => {
                  if (confirm(fmt(m.confirmDeleteGroup, { name: g.name }))) run('deleteInstanceGroup', { id: g.id }, fmt(m.jobDeleteGroup, { name: g.name })).catch(onError);
                }}>{m.delete}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(list.data?.count ?? 0) > items.length && <p className="muted">{fmt(m.showing, { shown: items.length, count: list.data!.count })}</p>}
    </Card>
  );
}

export const typeLabel = (m: GroupMessages, t: string) => t === 'host anti-affinity' ? m.antiAffinity : t === 'host affinity' ? m.hostAffinity : t;

function AffinityGroups({ m, onError }: { m: GroupMessages; onError(e: Error): void }) {
  const run = useAction();
  const canCreate = useCan('createAffinityGroup');
  const canDelete = useCan('deleteAffinityGroup');
  const [search, setSearch] = useState('');
  const kw = useDebounced(search);
  const list = useList('listAffinityGroups', { keyword: kw || undefined, listall: true, page: 1, pagesize: PAGE });
  const [name, setName] = useState('');
  const [type, setType] = useState('host anti-affinity');
  const [description, setDescription] = useState('');
  const items = list.data?.items ?? [];
  const create = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) { onError(new Error(m.needName)); return; }
    run('createAffinityGroup', { name: name.trim(), type, description: description.trim() || undefined }, fmt(m.jobCreateAffinity, { name: name.trim() }))
      .then(() => { setName(''); setDescription(''); }, onError);
  };
  return (
    <Card title={m.affinityGroups}>
      <div className="groups-tools">
        {canCreate && (
          <form className="tag-form" onSubmit={create} aria-label={m.affinityGroups}>
            <label>{m.name} <input value={name} onChange={(e) => setName(e.target.value)} maxLength={255} /></label>
            <label>{m.type} <select value={type} onChange={(e) => setType(e.target.value)}>
              <option value="host anti-affinity">{m.antiAffinity}</option><option value="host affinity">{m.hostAffinity}</option>
            </select></label>
            <label>{m.description} <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={4096} /></label>
            <button type="submit">{m.create}</button>
          </form>
        )}
        <input type="search" aria-label={fmt('{a}: {b}', { a: m.affinityGroups, b: m.search })} placeholder={m.search} value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      {list.error && <div className="error" role="alert">{list.error.message}</div>}
      {list.isFetched && items.length === 0 ? <p className="muted">{kw ? m.noMatches : m.noAffinityGroups}</p> : (
        <table className="simple-table" aria-label={m.affinityGroups}>
          <thead><tr><th>{m.name}</th><th>{m.type}</th><th>{m.description}</th><th>{m.vms}</th><th>{m.account}</th><th /></tr></thead>
          <tbody>
            {items.map((g) => (
              <tr key={g.id}>
                <td><a className="kit-link" href={hrefOf(['instances'], { affinitygroupid: g.id })} title={m.showVms}>{g.name}</a></td>
                <td>{typeLabel(m, g.type)}</td><td>{g.description}</td><td>{g.virtualmachineIds?.length ?? 0}</td><td>{g.account}</td>
                <td className="groups-act">{canDelete && <button type="button" className="danger" onClick={() => {
                  if (confirm(fmt(m.confirmDeleteAffinity, { name: g.name }))) run('deleteAffinityGroup', { id: g.id }, fmt(m.jobDeleteAffinity, { name: g.name })).catch(onError);
                }}>{m.delete}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(list.data?.count ?? 0) > items.length && <p className="muted">{fmt(m.showing, { shown: items.length, count: list.data!.count })}</p>}
    </Card>
  );
}

export default function GroupsView() {
  const m = useGroupMessages();
  const canAffinity = useCan('listAffinityGroups');
  const [error, setError] = useState<string | null>(null);
  const onError = (e: Error) => setError(e.message);
  return (
    <Page title={m.title} subtitle={m.subtitle}>
      {error && <div className="error" role="alert">{error}</div>}
      <InstanceGroups m={m} onError={onError} />
      {canAffinity && <AffinityGroups m={m} onError={onError} />}
    </Page>
  );
}
