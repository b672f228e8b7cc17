// Resource limits and counts bound to their handlers; enforcement at allocation: enforce.ts.
import { implement } from '../kernel/handler';
import { limitsCommands } from '../contract/commands/limits';
import { limitsHandlers } from './commands';

export const limitsModule = implement(limitsCommands, limitsHandlers);
export { limitGuard, enforceInTx, reserve, reservation, releaseReservation, withReservation, type Deltas, type LimitGuard } from './enforce';
export { RT, GiB } from './resource-types';
