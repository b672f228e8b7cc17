// VM consoles: createConsoleEndpoint, one-time tokens, the WebSocket <-> VNC proxy and the console page.
import { implement } from '../kernel/handler';
import { consoleCommands } from '../contract/commands/console';
import { loadVm } from '../orchestration/vm/vm-rows';
import type { ConsoleService } from './service';

export { createConsoleService, type ConsoleService, type ConsoleServiceOptions } from './service';
export type { OpenVncStream, VncStream } from './vnc-stream';

/** The console command family, bound to one console service (its tokens and proxy). */
export function createConsoleModule(consoles: ConsoleService) {
  return implement(consoleCommands, {
    createConsoleEndpoint: async (ctx, a) => {
      // 431 for an unknown VM, 531 for one the caller may not see; other refusals are success=false, as in CloudStack.
      const vm = await loadVm(ctx, a.virtualmachineid, 'virtualmachineid');
      return consoles.createEndpoint(ctx.caller, vm, a.token);
    },
  });
}
