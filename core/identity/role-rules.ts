// Role permission rules: `[A-Za-z0-9*]+`, case-insensitive, `*` matches any run of characters. The first rule
// (in sort order) that matches a command decides; no match falls back to the command's default authorization.
import type { RoleType } from '../contract/roles';
import { invalidParam } from '../kernel/errors';

const RULE_SYNTAX = /^[A-Za-z0-9*]+$/;

export function validateRule(rule: string): string {
  const r = rule.trim();
  if (!RULE_SYNTAX.test(r)) {
    throw invalidParam(`Only API names and wildcards are allowed, invalid rule provided: ${rule}`);
  }
  return r;
}

export function validatePermission(permission: string | undefined): 'allow' | 'deny' {
  const v = (permission ?? '').trim().toLowerCase();
  if (v !== 'allow' && v !== 'deny') throw invalidParam(`Invalid permission ${permission ?? ''}: must be allow or deny`);
  return v;
}

export function compileRule(rule: string): RegExp {
  // Rules only contain [A-Za-z0-9*], so nothing else needs escaping.
  return new RegExp(`^${rule.split('*').join('.*')}$`, 'i');
}

export interface CompiledRole {
  roleType: RoleType;
  /** The built-in Root Admin role: everything is allowed. */
  rootAdmin: boolean;
  rules: { re: RegExp; allow: boolean }[];
  /** Memoized decisions by command name; rules change rarely and every change drops the whole role. */
  decisions: Map<string, boolean | null>;
}

/** The first matching rule's verdict, or null when no rule matches. */
export function ruleVerdict(role: CompiledRole, command: string): boolean | null {
  const memo = role.decisions.get(command);
  if (memo !== undefined) return memo;
  let verdict: boolean | null = null;
  for (const r of role.rules) {
    if (r.re.test(command)) { verdict = r.allow; break; }
  }
  role.decisions.set(command, verdict);
  return verdict;
}
