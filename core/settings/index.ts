// The settings command family bound to its handlers; everything else reads settings through kernel/settings.ts.
import { implement } from '../kernel/handler';
import { settingsCommands } from '../contract/commands/settings';
import { settingsHandlers } from './commands';

export const settingsModule = implement(settingsCommands, settingsHandlers);
