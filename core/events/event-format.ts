// Event rows as CloudStack "event" objects, with the names of users, accounts and domains loaded per page in
// batches (one users query, one cached identity lookup per distinct account or domain), never per row.
import type { Selectable } from 'kysely';
import type { EventTable } from '../db/schema';
import type { Services } from '../kernel/services';
import { compact, csDate, ownerFields } from '../kernel/format';
import type { Event } from '../contract/responses';

type Names = { account?: string; project?: string; projectid?: string; domain?: string; domainPath?: string };

export async function formatEvents(svc: Services, rows: Selectable<EventTable>[]): Promise<Event[]> {
  const userIds = [...new Set(rows.map((r) => r.user_id).filter((x): x is string => !!x))];
  const accountIds = [...new Set(rows.map((r) => r.account_id).filter((x): x is string => !!x))];
  const bareDomainIds = [...new Set(rows.filter((r) => !r.account_id && r.domain_id).map((r) => r.domain_id!))];

  const [users, accounts, domains] = await Promise.all([
    userIds.length === 0 ? [] : svc.db.selectFrom('users').select(['id', 'username']).where('id', 'in', userIds).execute(),
    Promise.all(accountIds.map((id) => svc.identity.accountInfo(id).catch(() => undefined))),
    Promise.all(bareDomainIds.map((id) => svc.identity.domainInfo(id).catch(() => undefined))),
  ]);
  const usernames = new Map(users.map((u) => [u.id, u.username]));
  const byAccount = new Map<string, Names>();
  accountIds.forEach((id, i) => {
    const a = accounts[i];
    // A project's events name the project (CloudStack's project/projectid), not its hidden account.
    if (a) byAccount.set(id, { ...ownerFields(a), domain: a.domainName, domainPath: a.domainPath });
  });
  const byDomain = new Map<string, Names>();
  bareDomainIds.forEach((id, i) => {
    const d = domains[i];
    if (d) byDomain.set(id, { domain: d.name, domainPath: d.path });
  });

  return rows.map((r) => {
    const n: Names = (r.account_id ? byAccount.get(r.account_id) : r.domain_id ? byDomain.get(r.domain_id) : undefined) ?? {};
    return compact<Event>({
      id: r.id,
      username: r.user_id ? usernames.get(r.user_id) : undefined,
      type: r.type,
      level: r.level,
      description: r.description,
      account: n.account,
      project: n.project,
      projectid: n.projectid,
      domainid: r.domain_id,
      domain: n.domain,
      domainpath: n.domainPath,
      created: csDate(r.created),
      state: r.state,
      parentid: r.parent_id,
      resourceid: r.resource_id,
      resourcetype: r.resource_type,
      resourcename: r.resource_name,
      archived: r.archived === 1,
    });
  });
}
