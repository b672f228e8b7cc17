// A role's permission rules in evaluation order: add, delete, move up/down (updateRolePermission ruleorder),
// flip allow/deny, and a checker that shows which rule decides a given API.
import { useState, type FormEvent } from 'react';
import { useCan, useCloud } from '../../app/client-context';
import { allCommands } from '../../../../core/contract/commands/index';
import { fmt } from '../../i18n/messages';
import { FieldBox } from '../../components/kit/FormDialog';
import { useOne } from '../../components/kit/use-one';
import { useRun, errorText } from '../../components/kit/typed';
import { useKitMessages } from '../../components/kit/messages';
import { useAccountsMessages } from './messages';
import type { Role, RulePermission } from './types';
import { RULE_PATTERN, firstMatch, moved } from './rules';


export function RoleRules({ role }: { role: Role }) {
  const m = useAccountsMessages();
  const k = useKitMessages();
  const run = useRun();
  const { items: rules, loading, error } = useOne('listRolePermissions', { roleid: role.id });
  const can = { add: useCan('createRolePermission'), update: useCan('updateRolePermission'), del: useCan('deleteRolePermission') };
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState('');
  const label = fmt(m.jobRule, { name: role.name });

  const act = async (f: () => Promise<unknown>) => {
    setBusy(true);
    setFailure('');
    try { await f(); } catch (e) { setFailure(errorText(e)); }
    setBusy(false);
  };
  const move = (i: number, step: -1 | 1) => act(() => run('updateRolePermission', { roleid: role.id, ruleorder: moved(rules.map((r) => r.id), i, step) }, label));
  const flip = (r: RulePermission) => act(() => run('updateRolePermission', { roleid: role.id, ruleid: r.id, permission: r.permission === 'allow' ? 'deny' : 'allow' }, label));
  const remove = (r: RulePermission) => act(() => run('deleteRolePermission', { id: r.id }, label));

  return (
    <section aria-label={m.rules} className="acc-rules-section">
      <p className="muted" style={{ margin: 0 }}>{m.ruleOrderNote}</p>
      {error && <div role="alert" className="error">{fmt(k.failedLoad, { text: error })}</div>}
      {failure && <div role="alert" className="error">{failure}</div>}
      {loading ? <p className="muted">{k.loading}</p> : rules.length === 0 ? <p className="muted">{m.noRules}</p> : (
        <ol className="acc-rules" aria-label={m.rules}>
          {rules.map((r, i) => (
            <li key={r.id} aria-label={`${i + 1}. ${r.rule} ${r.permission}`}>
              <span className="acc-rule-no">#{i + 1}</span>
              <span className="kit-mono">{r.rule}</span>
              <span className={`badge tone-${r.permission === 'allow' ? 'ok' : 'bad'}`}>{r.permission === 'allow' ? m.allow : m.deny}</span>
              <span className="muted">{r.description || ''}</span>
              <span className="acc-rule-buttons">
                {can.update && <button type="button" disabled={busy} onClick={() => flip(r)}>{fmt(m.toggle, { p: r.permission === 'allow' ? m.deny : m.allow })}</button>}
                {can.update && <button type="button" className="icon" disabled={busy || i === 0} aria-label={`${m.moveUp}: ${r.rule}`} onClick={() => move(i, -1)}>↑</button>}
                {can.update && <button type="button" className="icon" disabled={busy || i === rules.length - 1} aria-label={`${m.moveDown}: ${r.rule}`} onClick={() => move(i, 1)}>↓</button>}
                {can.del && <button type="button" className="icon" disabled={busy} aria-label={`${m.deleteRule}: ${r.rule}`} onClick={() => remove(r)}>✕</button>}
              </span>
            </li>
          ))}
        </ol>
      )}
      <ApiNames />
      {can.add && <AddRuleForm busy={busy} onAdd={(rule, permission, description) => act(() => run('createRolePermission', { roleid: role.id, rule, permission, ...(description ? { description } : {}) }, label))} />}
      <RuleChecker rules={rules} roleType={role.type} />
    </section>
  );
}

function AddRuleForm({ busy, onAdd }: { busy: boolean; onAdd(rule: string, permission: 'allow' | 'deny', description: string): Promise<void> }) {
  const m = useAccountsMessages();
  const [rule, setRule] = useState('');
  const [permission, setPermission] = useState<'allow' | 'deny'>('allow');
  const [description, setDescription] = useState('');
  const valid = RULE_PATTERN.test(rule.trim());
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!valid) return;
    await onAdd(rule.trim(), permission, description.trim());
    setRule('');
    setDescription('');
  };
  return (
    <form className="acc-rule-form" onSubmit={submit} aria-label={m.addRule}>
      <FieldBox label={m.rulePattern} hint={rule && !valid ? m.ruleHint : undefined}>
        {({ id, hintId }) => <input id={id} aria-describedby={hintId} value={rule} onChange={(e) => setRule(e.target.value)} placeholder="listVirtualMachines" list={API_LIST} />}
      </FieldBox>
      <FieldBox label={m.permission}>
        {({ id }) => (
          <select id={id} value={permission} onChange={(e) => setPermission(e.target.value as 'allow' | 'deny')}>
            <option value="allow">{m.allow}</option><option value="deny">{m.deny}</option>
          </select>
        )}
      </FieldBox>
      <FieldBox label={m.description}>{({ id }) => <input id={id} value={description} onChange={(e) => setDescription(e.target.value)} />}</FieldBox>
      <button type="submit" className="primary" disabled={busy || !valid}>{m.addRule}</button>
    </form>
  );
}

const API_LIST = 'role-rule-api-names';

/** The server's API names (listApis) as suggestions for rule patterns and the checker. */
function ApiNames() {
  const { apis } = useCloud();
  return <datalist id={API_LIST}>{[...(apis ?? [])].sort().map((a) => <option key={a} value={a} />)}</datalist>;
}

type Decl = { authorized: readonly string[] };
const declOf = (api: string): Decl | undefined => (allCommands as Record<string, Decl>)[api];

/**
 * Which rule decides an API, and the verdict either way: with no matching rule, CloudStack allows the API when the
 * role type may call it (the command's authorized role types) and denies it otherwise.
 */
function RuleChecker({ rules, roleType }: { rules: RulePermission[]; roleType: string }) {
  const m = useAccountsMessages();
  const [api, setApi] = useState('');
  const name = api.trim();
  const i = name ? firstMatch(rules, name) : -1;
  const decl = declOf(name);
  const byDefault = decl ? (decl.authorized.includes(roleType) ? m.allow : m.deny) : null;
  return (
    <div className="acc-check">
      <label className="kit-filter"><span>{m.checkApi}</span><input value={api} onChange={(e) => setApi(e.target.value)} placeholder="deployVirtualMachine" list={API_LIST} /></label>
      {name && (
        <span role="status">
          {i < 0 ? (byDefault ? fmt(m.checkDefault, { api: name, verdict: byDefault, type: roleType }) : fmt(m.checkUnknown, { api: name }))
            : fmt(m.checkResult, { api: api.trim(), verdict: rules[i].permission === 'allow' ? m.allow : m.deny, n: i + 1, rule: rules[i].rule })}
        </span>
      )}
    </div>
  );
}
