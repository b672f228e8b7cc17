// The topbar's project switcher: "Default view" or one of the projects the caller may see. Lists that honour it
// (instances) then ask with projectid=. Hidden when the role cannot list projects or there are none.
import { useList } from '../../api/hooks';
import { useCan, useCloud } from '../../app/client-context';
import { fmt } from '../../i18n/messages';
import { useProjectStore } from '../../state/project-store';
import { useProjectMessages } from './messages';

export function useCurrentProject(): string {
  const { client } = useCloud();
  return useProjectStore((s) => s.byConnection[client.connectionId] ?? '');
}

export function ProjectSwitcher() {
  const m = useProjectMessages();
  const { client, identity } = useCloud();
  const can = useCan('listProjects');
  const projects = useList('listProjects', { listall: identity.accountType !== 0 ? true : undefined }, { enabled: can });
  const current = useCurrentProject();
  const setProject = useProjectStore((s) => s.setProject);
  const items = projects.data?.items ?? [];
  if (!can || (items.length === 0 && !current)) return null;
  return (
    <select aria-label={m.project} value={current} onChange={(e) => setProject(client.connectionId, e.target.value)}>
      <option value="">{m.defaultView}</option>
      {items.map((p) => <option key={p.id} value={p.id}>{p.state === 'Suspended' ? fmt(m.suspended, { name: p.name ?? '' }) : p.name}</option>)}
    </select>
  );
}
