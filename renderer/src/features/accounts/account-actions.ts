// Declarative actions on accounts and users (enable, disable, lock, delete), shown only where listApis allows.
import { useMemo } from 'react';
import type { Action } from '../../components/actions';
import { fmt } from '../../i18n/messages';
import { argsOf } from '../../components/kit/typed';
import { useAccountsMessages } from './messages';
import type { Account, User } from './types';

export function useAccountActions(): Action<Account>[] {
  const m = useAccountsMessages();
  return useMemo(() => [
    { id: 'enable', command: 'enableAccount', label: m.enable, bulk: true, when: (a) => a.state !== 'enabled',
      params: (a) => argsOf('enableAccount', { id: a.id }), describe: (a) => fmt(m.jobEnable, { name: a.name }) },
    { id: 'disable', command: 'disableAccount', label: m.disable, bulk: true, when: (a) => a.state === 'enabled',
      params: (a) => argsOf('disableAccount', { id: a.id, lock: false }), describe: (a) => fmt(m.jobDisable, { name: a.name }) },
    { id: 'lock', command: 'disableAccount', label: m.lock, bulk: true, when: (a) => a.state !== 'locked',
      params: (a) => argsOf('disableAccount', { id: a.id, lock: true }), describe: (a) => fmt(m.jobLock, { name: a.name }) },
    { id: 'delete', command: 'deleteAccount', label: m.delete, bulk: true, danger: true, when: (a) => !a.isdefault,
      params: (a) => argsOf('deleteAccount', { id: a.id }), describe: (a) => fmt(m.jobDeleteAccount, { name: a.name }) },
  ], [m]);
}

export function useUserActions(): Action<User>[] {
  const m = useAccountsMessages();
  return useMemo(() => [
    { id: 'enable', command: 'enableUser', label: m.enable, bulk: true, when: (u) => u.state !== 'enabled',
      params: (u) => argsOf('enableUser', { id: u.id }), describe: (u) => fmt(m.jobEnable, { name: u.username }) },
    { id: 'disable', command: 'disableUser', label: m.disable, bulk: true, when: (u) => u.state === 'enabled',
      params: (u) => argsOf('disableUser', { id: u.id }), describe: (u) => fmt(m.jobDisable, { name: u.username }) },
    { id: 'lock', command: 'lockUser', label: m.lock, bulk: true, when: (u) => u.state !== 'locked',
      params: (u) => argsOf('lockUser', { id: u.id }), describe: (u) => fmt(m.jobLock, { name: u.username }) },
    { id: 'delete', command: 'deleteUser', label: m.delete, bulk: true, danger: true, when: (u) => !u.isdefault,
      params: (u) => argsOf('deleteUser', { id: u.id }), describe: (u) => fmt(m.jobDeleteUser, { name: u.username }) },
  ], [m]);
}

/** CloudStack's account type numbers, named. */
export function accountTypeName(m: ReturnType<typeof useAccountsMessages>, t: number | undefined): string {
  return ({ 0: m.tUser, 1: m.tAdmin, 2: m.tDomainAdmin, 3: m.tResourceAdmin, 4: m.tReadOnly } as Record<number, string>)[t ?? -1] ?? String(t ?? '—');
}
