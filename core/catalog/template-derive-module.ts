// Templates from volumes and snapshots, copies, downloads and launch permissions, bound to their handlers.
import { implement } from '../kernel/handler';
import { templateDeriveCommands } from '../contract/commands/template-derive';
import { createTemplateHandler } from './template-create';
import { copyTemplateHandler } from './template-copy';
import { extractTemplateHandler } from './template-extract';
import { listTemplatePermissions, updateTemplatePermissions } from './template-permissions';

export const templateDeriveModule = implement(templateDeriveCommands, {
  createTemplate: createTemplateHandler,
  copyTemplate: copyTemplateHandler,
  extractTemplate: extractTemplateHandler,
  updateTemplatePermissions: (ctx, a) => updateTemplatePermissions(ctx, a),
  listTemplatePermissions: (ctx, a) => listTemplatePermissions(ctx, a),
});
