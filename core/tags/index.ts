// The resource tag command family bound to its handlers; lists of taggable resources use tag-store.ts.
import { implement } from '../kernel/handler';
import { tagsCommands } from '../contract/commands/tags';
import { tagsHandlers } from './commands';

export const tagsModule = implement(tagsCommands, tagsHandlers);
export { tagsOfPage, taggedIdsQuery, tagPairs } from './tag-store';
