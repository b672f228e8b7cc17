// Whether any of a set of actions is allowed for the caller: without one, a list shows no checkboxes at all.
import { useCloud } from '../../app/client-context';
import type { Action } from '../actions';

export function useAllowed<T>(actions: Action<T>[]): boolean {
  const { apis } = useCloud();
  return actions.some((a) => apis?.has(a.command));
}
