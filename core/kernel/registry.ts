// All command families, bound to their handlers. The dispatcher, listApis and the job manager read this map;
// nothing else keeps a list of commands.
import type { CommandDecl } from '../contract/command';
import type { AsyncHandler, SyncHandler } from './handler';

export interface Registered {
  decl: CommandDecl;
  sync?: SyncHandler<CommandDecl>;
  async?: AsyncHandler<CommandDecl>;
}

export interface CommandModule { decls: Record<string, CommandDecl>; handlers: Record<string, unknown> }

export type Registry = Map<string, Registered>;

export function buildRegistry(modules: CommandModule[]): Registry {
  const reg: Registry = new Map();
  for (const m of modules) {
    for (const [name, decl] of Object.entries(m.decls)) {
      if (reg.has(name)) throw new Error(`command ${name} is declared twice`);
      const h = m.handlers[name];
      if (!h) throw new Error(`command ${name} has no handler`);
      if (decl.async !== (typeof h === 'object')) throw new Error(`command ${name}: async flag and handler kind disagree`);
      reg.set(name, decl.async ? { decl, async: h as AsyncHandler<CommandDecl> } : { decl, sync: h as SyncHandler<CommandDecl> });
    }
  }
  return reg;
}

/** Async handlers for the job manager. */
export function asyncHandlers(reg: Registry) {
  const out = new Map<string, { decl: CommandDecl; handler: AsyncHandler<CommandDecl> }>();
  for (const [name, r] of reg) if (r.async) out.set(name, { decl: r.decl, handler: r.async });
  return out;
}
