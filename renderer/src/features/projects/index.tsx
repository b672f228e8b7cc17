// Projects: the projects the caller may see (admins: their domain tree's), create one, suspend or activate it,
// delete it with its resources, and manage its members (Admin or Regular). The server refuses what the caller's
// project role does not allow; its error is shown.
import { useState, type FormEvent } from 'react';
import { useAction, useList } from '../../api/hooks';
import { useCan, useCloud } from '../../app/client-context';
import { Card, Page } from '../../components/Page';
import { fmt } from '../../i18n/messages';
import { useProjectMessages } from './messages';
import './projects.css';
import { LimitsCard } from '../limits/LimitsCard';
import '../tags/tags.css';
import type { Project } from '../../../../core/contract/responses';

function Members({ project, onError }: { project: Project; onError: (e: Error) => void }) {
  const m = useProjectMessages();
  const run = useAction();
  const members = useList('listProjectAccounts', { projectid: project.id });
  const [account, setAccount] = useState('');
  const [role, setRole] = useState('Regular');
  const add = (e: FormEvent) => {
    e.preventDefault();
    if (!account.trim()) return;
    run('addAccountToProject', { projectid: project.id, account: account.trim(), roletype: role }, fmt(m.jobAdd, { account, name: project.name ?? '' }))
      .then(() => setAccount(''), onError);
  };
  return (
    <Card title={fmt(m.members, { name: project.name ?? '' })}>
      <table className="simple-table">
        <thead><tr><th>{m.account}</th><th>{m.role}</th><th /></tr></thead>
        <tbody>
          {(members.data?.items ?? []).map((x) => (
            <tr key={x.accountid}><td>{x.account}</td><td>{x.role === 'Admin' ? m.admin : m.regular}</td>
              <td><button type="button" className="ghost" onClick={() => run('deleteAccountFromProject', { projectid: project.id, account: x.account ?? '' },
                fmt(m.jobRemove, { account: x.account ?? '', name: project.name ?? '' })).catch(onError)}>{fmt(m.remove, { account: x.account ?? '' })}</button></td></tr>
          ))}
        </tbody>
      </table>
      <form className="tag-form" onSubmit={add}>
        <label>{m.account} <input value={account} onChange={(e) => setAccount(e.target.value)} /></label>
        <label>{m.role} <select value={role} onChange={(e) => setRole(e.target.value)}>
          <option value="Regular">{m.regular}</option><option value="Admin">{m.admin}</option></select></label>
        <button type="submit">{m.addMember}</button>
      </form>
    </Card>
  );
}

/** Asked for by id, the project answers its used / limit / available fields (vmtotal ...). */
function ProjectLimits({ project }: { project: Project }) {
  const one = useList('listProjects', { id: project.id, listall: true });
  if (!project.id || !project.domainid) return null;
  return <LimitsCard owner={{ kind: 'project', projectid: project.id, domainid: project.domainid }} ownerName={project.name ?? ''}
    counts={one.data?.items[0] as unknown as Record<string, unknown> | undefined} />;
}

export default function ProjectsView() {
  const m = useProjectMessages();
  const run = useAction();
  const { identity } = useCloud();
  const canCreate = useCan('createProject');
  const list = useList('listProjects', { listall: identity.accountType !== 0 ? true : undefined });
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const onError = (e: Error) => setError(e.message);
  const projects = list.data?.items ?? [];
  const create = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    setError(null);
    run('createProject', { name: name.trim(), displaytext: text.trim() || name.trim() }, fmt(m.jobCreate, { name }))
      .then(() => { setName(''); setText(''); }, onError);
  };
  const act = (command: string, label: string, p: Project, extra: Record<string, string> = {}) =>
    run(command, { id: p.id ?? '', ...extra }, fmt(label, { name: p.name ?? '' })).catch(onError);
  const shown = projects.find((p) => p.id === open);
  return (
    <Page title={m.projects}>
      {canCreate && (
        <Card title={m.create}>
          <form className="tag-form" onSubmit={create}>
            <label>{m.name} <input value={name} onChange={(e) => setName(e.target.value)} maxLength={255} /></label>
            <label>{m.displayText} <input value={text} onChange={(e) => setText(e.target.value)} maxLength={255} /></label>
            <button type="submit">{m.create}</button>
          </form>
        </Card>
      )}
      {error && <div className="error" role="alert">{error}</div>}
      <Card>
        {projects.length === 0 ? <p className="muted">{m.noProjects}</p> : (
          <table className="simple-table" aria-label={m.projects}>
            <thead><tr><th>{m.name}</th><th>{m.displayText}</th><th>{m.state}</th><th>{m.owner}</th><th /></tr></thead>
            <tbody>
              {projects.map((p) => (
                <tr key={p.id}>
                  <td><button type="button" className="ghost" aria-expanded={open === p.id} onClick={() => setOpen(open === p.id ? null : p.id ?? null)}>{p.name}</button></td>
                  <td>{p.displaytext}</td><td>{p.state}</td><td>{(p.owner ?? []).map((o) => o.account).join(', ')}</td>
                  <td>
                    {p.state === 'Suspended'
                      ? <button type="button" onClick={() => act('activateProject', m.jobActivate, p)}>{m.activate}</button>
                      : <button type="button" onClick={() => act('suspendProject', m.jobSuspend, p)}>{m.suspend}</button>}
                    <button type="button" className="danger" onClick={() => {
                      if (confirm(fmt(m.confirmDelete, { name: p.name ?? '' }))) void act('deleteProject', m.jobDelete, p, { cleanup: 'true' });
                    }}>{m.delete}</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {shown && <Members project={shown} onError={onError} />}
      {shown && <ProjectLimits project={shown} />}
    </Page>
  );
}
