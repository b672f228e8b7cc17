// The project, projectaccount and projectinvitation objects as CloudStack answers them.
import type { Services } from '../kernel/services';
import type { Project, ProjectAccount, ProjectInvitation, Tags, User } from '../contract/responses';
import type { ProjectInvitationTable } from '../db/schema';
import { csDate } from '../kernel/format';
import { tagsOfPage } from '../tags/tag-store';
import { resourceFields } from '../limits/owner-fields';
import type { ProjectRow } from './access';

type Svc = Pick<Services, 'db' | 'identity'>;

/** The projects of a page with their owners (the Admin members), tags and resource figures, in the page's order. */
export async function formatProjects(svc: Services, rows: ProjectRow[]): Promise<Project[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [admins, tags] = await Promise.all([
    svc.db.selectFrom('project_accounts').select(['project_id', 'account_id']).where('project_id', 'in', ids)
      .where('role', '=', 'Admin').orderBy('created').execute(),
    tagsOfPage(svc, 'Project', ids),
  ]);
  const out: Project[] = [];
  for (const r of rows) {
    const [dom, acc] = await Promise.all([svc.identity.domainInfo(r.domain_id), svc.identity.accountInfo(r.account_id)]);
    const owner: Record<string, string>[] = [];
    for (const a of admins.filter((x) => x.project_id === r.id)) {
      owner.push({ account: (await svc.identity.accountInfo(a.account_id)).name, accountid: a.account_id });
    }
    out.push({
      ...await resourceFields(svc, 'account', r.account_id),
      id: r.id, name: r.name, displaytext: r.display_text, domainid: r.domain_id, domain: dom.name,
      owner, projectaccountname: acc.name, state: r.state, created: csDate(r.created), tags: tags.get(r.id) ?? ([] as Tags[]),
    });
  }
  return out;
}

export async function formatProject(svc: Services, row: ProjectRow): Promise<Project> {
  return (await formatProjects(svc, [row]))[0];
}

interface MemberRow { project_id: string; account_id: string; role: string }

export async function formatMember(svc: Svc, p: ProjectRow, m: MemberRow): Promise<ProjectAccount> {
  const acc = await svc.identity.accountInfo(m.account_id);
  const users = await svc.db.selectFrom('users').select(['id', 'username', 'state']).where('account_id', '=', m.account_id)
    .where('removed', 'is', null).orderBy('created').execute();
  const type = await svc.db.selectFrom('accounts').select('type').where('id', '=', m.account_id).executeTakeFirst();
  return {
    projectid: p.id, project: p.name, accountid: m.account_id, account: acc.name, accounttype: type?.type ?? 0,
    role: m.role, domainid: acc.domainId, domain: acc.domainName, domainpath: acc.domainPath,
    user: users.map((u) => ({ id: u.id, username: u.username, state: u.state, account: acc.name, accountid: m.account_id, domainid: acc.domainId, domain: acc.domainName }) as User),
  };
}

export async function formatInvitation(svc: Svc, p: Pick<ProjectRow, 'id' | 'name'>, i: ProjectInvitationTable): Promise<ProjectInvitation> {
  const dom = await svc.identity.domainInfo(i.domain_id);
  const out: ProjectInvitation = { id: i.id, projectid: p.id, project: p.name, domainid: i.domain_id, domain: dom.name,
    domainpath: dom.path, state: i.state };
  if (i.account_id) out.account = (await svc.identity.accountInfo(i.account_id)).name;
  if (i.email) out.email = i.email;
  return out;
}
