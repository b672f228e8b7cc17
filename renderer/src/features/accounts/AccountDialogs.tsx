// Create an account (with its first user) and add a user to an account. The role is picked from listRoles when
// the caller may read roles; otherwise by CloudStack account type.
import { useState } from 'react';
import { useCan } from '../../app/client-context';
import { useList } from '../../api/hooks';
import { fmt } from '../../i18n/messages';
import { FormDialog, TextField, SelectField, FieldRow } from '../../components/kit/FormDialog';
import { useRun } from '../../components/kit/typed';
import { useAccountsMessages } from './messages';
import { useAllDomains, domainOptions } from './domains';
import { accountTypeName } from './account-actions';
import type { Account } from './types';

interface Person { username: string; password: string; confirm: string; email: string; firstname: string; lastname: string }
const EMPTY: Person = { username: '', password: '', confirm: '', email: '', firstname: '', lastname: '' };

function PersonFields({ p, set }: { p: Person; set(k: keyof Person, v: string): void }) {
  const m = useAccountsMessages();
  return (
    <>
      <TextField label={m.username} value={p.username} onChange={(v) => set('username', v)} required autoFocus autoComplete="off" />
      <FieldRow>
        <TextField label={m.password} type="password" value={p.password} onChange={(v) => set('password', v)} required autoComplete="new-password" />
        <TextField label={m.confirmPassword} type="password" value={p.confirm} onChange={(v) => set('confirm', v)} required autoComplete="new-password"
          hint={p.confirm && p.confirm !== p.password ? m.passwordsDiffer : undefined} />
      </FieldRow>
      <TextField label={m.email} type="email" value={p.email} onChange={(v) => set('email', v)} required />
      <FieldRow>
        <TextField label={m.firstname} value={p.firstname} onChange={(v) => set('firstname', v)} required />
        <TextField label={m.lastname} value={p.lastname} onChange={(v) => set('lastname', v)} required />
      </FieldRow>
    </>
  );
}

const personOk = (p: Person) => !!(p.username.trim() && p.password && p.password === p.confirm && p.email.trim() && p.firstname.trim() && p.lastname.trim());
const personArgs = (p: Person) => ({ username: p.username.trim(), password: p.password, email: p.email.trim(), firstname: p.firstname.trim(), lastname: p.lastname.trim() });

export function CreateAccountDialog({ defaultDomainId, onClose, onDone }: { defaultDomainId?: string; onClose(): void; onDone(): void }) {
  const m = useAccountsMessages();
  const run = useRun();
  const [p, setP] = useState<Person>(EMPTY);
  const [account, setAccount] = useState('');
  const domains = useAllDomains();
  const [domainChoice, setDomainid] = useState(defaultDomainId ?? '');
  const canRoles = useCan('listRoles');
  const roles = useList('listRoles', {}, { enabled: canRoles });
  const [roleChoice, setRoleid] = useState('');
  const [accounttype, setAccounttype] = useState('0');

  // Sensible defaults until the operator picks: the caller's top domain and the built-in User role.
  const domainid = domainChoice || (domains.data?.length ? domainOptions(domains.data)[0][0] : '');
  const userRole = roles.data?.items.find((r) => r.type === 'User' && r.isdefault) ?? roles.data?.items.find((r) => r.type === 'User');
  const roleid = roleChoice || (userRole?.id ?? '');

  return (
    <FormDialog title={m.createAccount} submitLabel={m.createAccount} onClose={onClose} wide canSubmit={personOk(p) && !!domainid && (!canRoles || !!roleid)}
      onSubmit={async () => {
        const name = account.trim() || p.username.trim();
        await run('createAccount', {
          ...personArgs(p), domainid, ...(account.trim() ? { account: account.trim() } : {}),
          ...(canRoles ? { roleid } : { accounttype: Number(accounttype) }),
        }, fmt(m.jobCreateAccount, { name }));
        onDone();
      }}>
      <PersonFields p={p} set={(k, v) => setP((x) => ({ ...x, [k]: v }))} />
      <FieldRow>
        <TextField label={m.accountName} value={account} onChange={setAccount} hint={m.accountNameHint} />
        <SelectField label={m.domain} value={domainid} onChange={setDomainid} required options={domainOptions(domains.data)} />
      </FieldRow>
      {canRoles ? (
        <SelectField label={m.role} value={roleid} onChange={setRoleid} required
          options={[['', m.choose], ...(roles.data?.items ?? []).map((r): [string, string] => [r.id, `${r.name} (${r.type})`])]} />
      ) : (
        <SelectField label={m.accountType} value={accounttype} onChange={setAccounttype}
          options={[0, 2].map((t): [string, string] => [String(t), accountTypeName(m, t)])} />
      )}
    </FormDialog>
  );
}

export function CreateUserDialog({ account, onClose, onDone }: { account?: Pick<Account, 'name' | 'domainid'>; onClose(): void; onDone(): void }) {
  const m = useAccountsMessages();
  const run = useRun();
  const [p, setP] = useState<Person>(EMPTY);
  const accounts = useList('listAccounts', { listall: true, page: 1, pagesize: 500 }, { enabled: !account });
  const [pick, setPick] = useState('');
  const chosen = account ?? accounts.data?.items.find((a) => a.id === pick);
  return (
    <FormDialog title={account ? `${m.createUser}: ${account.name}` : m.createUser} submitLabel={m.createUser} onClose={onClose}
      canSubmit={personOk(p) && !!chosen}
      onSubmit={async () => {
        await run('createUser', { ...personArgs(p), account: chosen!.name, domainid: chosen!.domainid }, fmt(m.jobCreateUser, { name: p.username.trim() }));
        onDone();
      }}>
      {!account && (
        <SelectField label={m.account} value={pick} onChange={setPick} required
          options={[['', m.choose], ...(accounts.data?.items ?? []).map((a): [string, string] => [a.id, `${a.name} — ${a.domainpath ?? a.domain ?? ''}`])]} />
      )}
      <PersonFields p={p} set={(k, v) => setP((x) => ({ ...x, [k]: v }))} />
    </FormDialog>
  );
}
