// Reading, checking and writing one setting's value at one scope. Checks and their texts follow CloudStack's
// ConfigurationManager (a wrong type or a scope the setting lacks is a 431 with its words).
import type { Db } from '../db/connect';
import { isUniqueViolation } from '../db/unique';
import { invalidParam } from '../kernel/errors';
import {
  BOUND_COLUMNS, globalSettingValue, scopedSettingValue, SETTINGS, settingType, type SettingDecl, type SettingName,
  type SettingScope, type SettingSource,
} from '../kernel/settings';

export interface ScopeRef { scope: SettingScope; id: string }

export function declared(name: string): { name: SettingName; decl: SettingDecl } {
  if (!Object.hasOwn(SETTINGS, name)) throw invalidParam(`Config parameter with name ${name} doesn't exist`);
  return { name: name as SettingName, decl: SETTINGS[name as SettingName] };
}

export function checkScope(name: string, decl: SettingDecl, at: ScopeRef | undefined): void {
  if (at && !(decl.scopes ?? []).includes(at.scope)) throw invalidParam(`Invalid scope id provided for the parameter ${name}`);
}

/** The value as stored: trimmed, and an option in its declared spelling; a 431 when it is not one the setting takes. */
export function checkedValue(name: string, decl: SettingDecl, raw: string): string {
  const value = raw.trim();
  const type = settingType(decl);
  const parse = (kind: string) =>
    invalidParam(`There was error in trying to parse value: ${value}. Please enter a valid ${kind} value for parameter ${name}`);
  if (type === 'Boolean') {
    if (value !== 'true' && value !== 'false') throw invalidParam('Please enter either \'true\' or \'false\'.');
    return value;
  }
  if (type === 'Number' && !/^-?\d+$/.test(value)) throw parse('integer');
  if (type === 'Decimal' && (value === '' || !Number.isFinite(Number(value)))) throw parse('float');
  const n = Number(value);
  if (decl.fraction && (n < 0 || n > 1)) throw invalidParam(`Please enter a value between 0 and 1 for the configuration parameter: ${name}`);
  if (decl.positive && n <= 0) {
    throw invalidParam(type === 'Decimal' ? `${name} should be greater than 0` : `Please enter a positive value for the configuration parameter:${name}`);
  }
  if (decl.options) {
    const option = decl.options.find((o) => o.toLowerCase() === value.toLowerCase());
    if (!option) {
      throw invalidParam(`The provided value is not a valid value for this configuration (Options are: [${decl.options.join(',')}]).`);
    }
    return option;
  }
  return value;
}

/** The value in force at a scope (its own value, else the global one). */
export async function valueAt(src: SettingSource, name: SettingName, at: ScopeRef | undefined): Promise<string> {
  if (at) {
    const own = await scopedSettingValue(src.db, name, at.scope, at.id);
    if (own !== undefined) return own;
  }
  return globalSettingValue(src, name);
}

async function upsert(db: Db, table: 'configurations' | 'scoped_configurations', key: Record<string, string>,
  set: Record<string, string | number>): Promise<void> {
  const where = <Q extends { where: (...a: any[]) => Q }>(q: Q) =>
    Object.entries(key).reduce((acc, [k, v]) => acc.where(k, '=', v), q);
  const updated = await where(db.updateTable(table as 'configurations').set(set) as any).executeTakeFirst() as { numUpdatedRows: bigint };
  if (updated.numUpdatedRows > 0n) return;
  try {
    await db.insertInto(table as 'configurations').values({ ...key, ...set } as any).execute();
  } catch (e) {
    // Another server inserted it in between: its row is there now, so this write updates it.
    if (!isUniqueViolation(e)) throw e;
    await where(db.updateTable(table as 'configurations').set(set) as any).execute();
  }
}

/** Stores a value (undefined: removes the scope's own value, or the global row, so the default applies again). */
export async function storeValue(src: SettingSource, name: SettingName, at: ScopeRef | undefined, value: string | undefined,
  now: number): Promise<void> {
  const db = src.db;
  const bound = at && BOUND_COLUMNS[name]?.scope === at.scope ? BOUND_COLUMNS[name] : undefined;
  if (bound && at) {
    // A cluster or pool always has its own ratio: a reset gives it the global value, as CloudStack's does.
    const v = Number(value ?? await globalSettingValue(src, name));
    await db.updateTable(bound.table).set({ [bound.column]: v } as never).where('id', '=', at.id).execute();
  } else if (at) {
    if (value === undefined) {
      await db.deleteFrom('scoped_configurations').where('scope', '=', at.scope).where('scope_id', '=', at.id)
        .where('name', '=', name).execute();
    } else {
      await upsert(db, 'scoped_configurations', { scope: at.scope, scope_id: at.id, name }, { value, updated: now });
    }
  } else if (value === undefined) {
    await db.deleteFrom('configurations').where('name', '=', name).execute();
  } else {
    await upsert(db, 'configurations', { name }, { value });
  }
}
