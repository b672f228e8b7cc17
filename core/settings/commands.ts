// listConfigurations, updateConfiguration and resetConfiguration over the declared settings (kernel/settings.ts).
// A scoped call (zoneid=, clusterid=, storageid=, accountid=, domainid=) reads and writes that resource's own
// value; the resource must exist, and the setting must have that scope.
import type { CallContext, HandlersFor } from '../kernel/handler';
import type { settingsCommands } from '../contract/commands/settings';
import type { Configuration } from '../contract/response-types';
import { invalidParam, notFound } from '../kernel/errors';
import { pageWindow } from '../kernel/paging';
import { SETTING_SCOPES, SETTINGS, settingType, type SettingDecl, type SettingName, type SettingScope } from '../kernel/settings';
import { checkedValue, checkScope, declared, storeValue, valueAt, type ScopeRef } from './values';

type H = HandlersFor<typeof settingsCommands>;
type ScopeArgs = { zoneid?: string; clusterid?: string; storageid?: string; accountid?: string; domainid?: string };

const PARAM_OF: Record<SettingScope, keyof ScopeArgs> = {
  storagepool: 'storageid', cluster: 'clusterid', zone: 'zoneid', account: 'accountid', domain: 'domainid',
};
const TABLE_OF = {
  storagepool: 'storage_pools', cluster: 'clusters', zone: 'zones', account: 'accounts', domain: 'domains',
} as const satisfies Record<SettingScope, string>;

/** The one scope a call names (none: global); the resource must exist. */
async function namedScope(ctx: CallContext, command: string, a: ScopeArgs): Promise<ScopeRef | undefined> {
  const given = SETTING_SCOPES.filter((s) => a[PARAM_OF[s]] !== undefined);
  if (given.length > 1) throw invalidParam('cannot handle multiple IDs, provide only one ID corresponding to the scope');
  if (given.length === 0) return undefined;
  const scope = given[0];
  const id = a[PARAM_OF[scope]]!;
  const row = await ctx.svc.db.selectFrom(TABLE_OF[scope]).select('id').where('id', '=', id).where('removed', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound(command, PARAM_OF[scope], id);
  return { scope, id };
}

function format(name: SettingName, decl: SettingDecl, value: string, at: ScopeRef | undefined): Configuration {
  return {
    name, value, defaultvalue: decl.default, description: decl.description, category: decl.category ?? 'Advanced',
    type: settingType(decl), isdynamic: true, scope: at?.scope ?? decl.scopes?.[0] ?? 'global',
    ...(decl.options ? { options: decl.options.join(',') } : {}),
  };
}

async function event(ctx: CallContext, name: string, value: string, at: ScopeRef | undefined): Promise<void> {
  const where = at ? ` (${at.scope} ${at.id})` : '';
  await ctx.svc.events.record({
    type: 'CONFIGURATION.VALUE.EDIT', description: `Name: ${name} New Value: ${value}${where}`, level: 'INFO', state: 'Completed',
    userId: ctx.caller.userId, accountId: ctx.caller.accountId, domainId: ctx.caller.domainId,
  });
}

/** Writes (or, with undefined, removes) a value and answers the value now in force there. */
async function change(ctx: CallContext, rawName: string, at: ScopeRef | undefined, raw: string | undefined) {
  const { name, decl } = declared(rawName);
  checkScope(name, decl, at);
  const value = raw === undefined ? undefined : checkedValue(name, decl, raw);
  await storeValue(ctx.svc, name, at, value, ctx.svc.clock.now());
  // Overcommit ratios and thresholds change capacity figures and alerts the caches derive.
  ctx.svc.caches.infraVersion.changed();
  const now = await valueAt(ctx.svc, name, at);
  await event(ctx, name, now, at);
  return format(name, decl, now, at);
}

export const settingsHandlers: H = {
  async listConfigurations(ctx, a) {
    const at = await namedScope(ctx, 'listConfigurations', a);
    const category = a.category?.toLowerCase();
    const names = (Object.keys(SETTINGS) as SettingName[]).filter((n) => {
      const d: SettingDecl = SETTINGS[n];
      if (at && !(d.scopes ?? []).includes(at.scope)) return false;
      if (a.name !== undefined && !n.includes(a.name)) return false;
      if (category !== undefined && (d.category ?? 'Advanced').toLowerCase() !== category) return false;
      const kw = a.keyword?.toLowerCase();
      return kw === undefined || n.includes(kw) || d.description.toLowerCase().includes(kw) || (d.category ?? '').toLowerCase().includes(kw);
    }).sort();
    const { offset, limit } = pageWindow(a, ctx.svc.config.maxPageSize);
    const page = limit === null ? names.slice(offset) : names.slice(offset, offset + limit);
    const items = await Promise.all(page.map(async (n) => format(n, SETTINGS[n], await valueAt(ctx.svc, n, at), at)));
    return { count: names.length, items };
  },

  async updateConfiguration(ctx, a) {
    const at = await namedScope(ctx, 'updateConfiguration', a);
    if (a.value === undefined) {
      const { name, decl } = declared(a.name);
      return format(name, decl, await valueAt(ctx.svc, name, at), at);
    }
    const empty = a.value.trim() === '' || a.value.trim() === 'null';
    return change(ctx, a.name, at, empty ? undefined : a.value);
  },

  async resetConfiguration(ctx, a) {
    return change(ctx, a.name, await namedScope(ctx, 'resetConfiguration', a), undefined);
  },
};
