// Typed command arguments: checked against the command declarations at compile time, then handed to the
// untyped transport (lists become comma-joined on the wire).
import { useCallback } from 'react';
import type { CommandName, Commands } from '../../../../core/contract/commands/index';
import type { ArgsOf } from '../../../../core/contract/command';
import type { Params } from '../../api/cloud-client';
import { useAction } from '../../api/hooks';

export function argsOf<N extends CommandName>(_command: N, args: ArgsOf<Commands[N]>): Params {
  return args as unknown as Params;
}

/** `run('createVolume', {...}, 'Create volume x')`: a tracked action whose params the compiler checks. */
export function useRun() {
  const action = useAction();
  return useCallback(<N extends CommandName>(command: N, args: ArgsOf<Commands[N]>, label: string) =>
    action(command, args as unknown as Params, label), [action]);
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
