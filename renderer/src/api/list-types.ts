// List commands and their items, typed by the command declarations: `listVirtualMachines` answers
// VirtualMachine objects, as core/contract/responses.ts declares, so a renamed or retyped field breaks the build.
import type { CommandName, Commands } from '../../../core/contract/commands/index';
import type { ItemOf } from '../../../core/contract/responses';

/** Commands that answer a list (`{"count":N,"<item>":[...]}`). */
export type ListCommand = { [N in CommandName]: Commands[N] extends { response: { kind: 'list' } } ? N : never }[CommandName];

/** The item of a list command (`ListItem<'listHosts'>` is the contract's Host). */
export type ListItem<N extends ListCommand> = ItemOf<Commands[N]>;

/**
 * The items of a list command's inner response. A list answer holds `count` and one array, named by the item
 * (`virtualmachine`); CloudStack answers `{}` when nothing matches.
 */
export function listItems<T>(inner: Record<string, unknown> | null | undefined): T[] {
  for (const v of Object.values(inner ?? {})) if (Array.isArray(v)) return v as T[];
  return [];
}

/** List commands whose items are `T`: a generic component (a list, a search select) takes one as `command`. */
export type ListCommandFor<T> = { [N in ListCommand]: ListItem<N> extends T ? N : never }[ListCommand];
