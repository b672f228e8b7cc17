// Role permission rules as CloudStack evaluates them: API names or patterns with *, first match decides.
import type { RulePermission } from './types';

export const RULE_PATTERN = /^[A-Za-z0-9*]+$/;

/** Index of the rule that decides `api`, or -1 when none matches (then the role type's default applies). */
export function firstMatch(rules: Pick<RulePermission, 'rule'>[], api: string): number {
  return rules.findIndex((r) => new RegExp(`^${r.rule.replace(/\*/g, '.*')}$`, 'i').test(api));
}

/** The rule ids with the one at `i` swapped with its neighbour (`step` -1 up, +1 down): the new ruleorder. */
export function moved(ids: string[], i: number, step: -1 | 1): string[] {
  const j = i + step;
  if (j < 0 || j >= ids.length) return ids;
  const out = [...ids];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}
