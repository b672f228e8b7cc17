// Roles: list with type filter; create (optionally copying another role's rules); a role opens as a full page
// with its ordered permission rules, since rules need more room than a side pane.
import { useMemo, useState } from 'react';
import type { Column } from '../../components/DataTable';
import { ActionBar, type Action } from '../../components/actions';
import { Properties } from '../../components/Page';
import { DetailHeader } from '../../components/kit/Detail';
import { useCan } from '../../app/client-context';
import { useList } from '../../api/hooks';
import { useRoute, hrefOf } from '../../state/route-store';
import { fmt } from '../../i18n/messages';
import { ROLE_TYPES } from '../../../../core/contract/roles';
import { ListFrame } from '../../components/kit/ListFrame';
import { BulkActions } from '../../components/kit/BulkActions';
import { usePagedList, useDebounced } from '../../components/kit/paged-list';
import { useOne } from '../../components/kit/use-one';
import { FilterSelect, YesNo } from '../../components/kit/Widgets';
import { FormDialog, TextField, SelectField, CheckField } from '../../components/kit/FormDialog';
import { useAllowed } from '../../components/kit/allowed';
import { argsOf, useRun } from '../../components/kit/typed';
import { useKitMessages } from '../../components/kit/messages';
import { useAccountsMessages } from './messages';
import { RoleRules } from './RoleRules';
import type { Role } from './types';

const roleId = (r: Role) => r.id;

function useRoleActions(): Action<Role>[] {
  const m = useAccountsMessages();
  return useMemo(() => [{
    id: 'delete', command: 'deleteRole', label: m.delete, bulk: true, danger: true, when: (r: Role) => !r.isdefault,
    params: (r: Role) => argsOf('deleteRole', { id: r.id }), describe: (r: Role) => fmt(m.jobDeleteRole, { name: r.name }),
  }], [m]);
}

export function RolesTab({ openId }: { openId?: string }) {
  const m = useAccountsMessages();
  const { query, navigate } = useRoute();
  const [keyword, setKeyword] = useState('');
  const kw = useDebounced(keyword);
  const [type, setType] = useState('');
  const list = usePagedList('listRoles', { keyword: kw, type }, roleId);
  const actions = useRoleActions();
  const anyAction = useAllowed(actions);
  const canCreate = useCan('createRole');
  const [creating, setCreating] = useState(false);
  const columns = useMemo((): Column<Role>[] => [
    { key: 'name', header: m.name, width: 'minmax(140px, 1fr)', render: (r) => <strong>{r.name}</strong> },
    { key: 'type', header: m.roleType, width: 130, render: (r) => r.type },
    { key: 'desc', header: m.description, width: 'minmax(180px, 2fr)', render: (r) => r.description || '—' },
    { key: 'default', header: m.isdefault, width: 90, render: (r) => <YesNo value={r.isdefault} /> },
    { key: 'public', header: m.public, width: 80, render: (r) => <YesNo value={r.ispublic} /> },
    { key: 'state', header: m.state, width: 100, render: (r) => r.state ?? '—' },
  ], [m]);

  if (openId) return <RoleDetail id={openId} onBack={() => { navigate(['accounts', 'roles'], query); list.refresh(); }} />;
  return (
    <>
      <ListFrame<Role>
        label={m.roles}
        list={list}
        columns={columns}
        keyword={{ value: keyword, onChange: setKeyword }}
        filters={<FilterSelect label={m.roleType} value={type} onChange={setType} options={[['', m.allTypes], ...ROLE_TYPES.map((t): [string, string] => [t, t])]} />}
        actions={canCreate && <button type="button" className="primary" onClick={() => setCreating(true)}>{m.createRole}</button>}
        bulk={anyAction ? () => <BulkActions actions={actions} list={list} nameOf={(r) => r.name} /> : undefined}
        onOpen={(r) => navigate(['accounts', 'roles', r.id], query)}
      />
      {creating && <CreateRoleDialog onClose={() => setCreating(false)} onDone={list.refresh} />}
    </>
  );
}

function RoleDetail({ id, onBack }: { id: string; onBack(): void }) {
  const m = useAccountsMessages();
  const k = useKitMessages();
  const { item: role, loading, error } = useOne('listRoles', { id });
  const actions = useRoleActions();
  const canRules = useCan('listRolePermissions');
  return (
    <section className="kit-detail" aria-label={role?.name ?? m.roles}>
      <DetailHeader level={2} name={role?.name ?? m.roles} states={[role?.state]}
        back={<a className="kit-link" href={hrefOf(['accounts', 'roles'])} onClick={(e) => { e.preventDefault(); onBack(); }}>← {m.backToRoles}</a>}
        actions={role && <ActionBar actions={actions} rows={[role]} nameOf={(r) => r.name} onDone={onBack} />} />
      {!role ? <p className="muted">{loading ? k.loading : error ?? k.gone}</p> : (
        <div className="kit-detail-body card">
          <Properties rows={[[m.roleType, role.type], [m.description, role.description || '—'], [m.isdefault, <YesNo value={role.isdefault} />],
            [m.public, <YesNo value={role.ispublic} />]]} />
          {canRules && <h3>{m.rules}</h3>}
          {canRules && <RoleRules role={role} />}
        </div>
      )}
    </section>
  );
}

function CreateRoleDialog({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const m = useAccountsMessages();
  const run = useRun();
  const navigate = useRoute((s) => s.navigate);
  const roles = useList('listRoles', {});
  const [name, setName] = useState('');
  const [type, setType] = useState('User');
  const [description, setDescription] = useState('');
  const [clone, setClone] = useState('');
  const [isPublic, setIsPublic] = useState(true);
  return (
    <FormDialog title={m.createRole} submitLabel={m.create} onClose={onClose} canSubmit={!!name.trim()}
      onSubmit={async () => {
        const r = await run('createRole', {
          name: name.trim(), ...(clone ? { roleid: clone } : { type }), ispublic: isPublic, ...(description.trim() ? { description: description.trim() } : {}),
        }, fmt(m.jobCreateRole, { name: name.trim() }));
        onDone();
        if (r?.role?.id) navigate(['accounts', 'roles', r.role.id]);
      }}>
      <TextField label={m.name} value={name} onChange={setName} required autoFocus />
      <SelectField label={m.cloneFrom} value={clone} onChange={setClone}
        options={[['', m.noClone], ...(roles.data?.items ?? []).map((r): [string, string] => [r.id, `${r.name} (${r.type})`])]} />
      {!clone && <SelectField label={m.roleType} value={type} onChange={setType} options={ROLE_TYPES.map((t): [string, string] => [t, t])} />}
      <TextField label={m.description} value={description} onChange={setDescription} />
      <CheckField label={m.public} checked={isPublic} onChange={setIsPublic} />
    </FormDialog>
  );
}
