// `strata agent`: the command line of the host agent (see agent.ts).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../kernel/logger';
import { parseAccelSetting } from '../hypervisors/qemu/accel';
import { startAgent } from './agent';

export const AGENT_USAGE = `  strata agent --server URL[,URL...] --token TOKEN [--name NAME] [--work-dir DIR] [--accel auto|kvm|tcg] [--address IP]
      Runs on a KVM host and connects it to a management server (outgoing WebSocket to URL/agent; the host needs
      no open port). The token comes from addHost hypervisor=KVM url=agent://NAME (details.agenttoken of its
      answer, shown once); STRATA_AGENT_TOKEN may carry it instead of --token, to keep it out of process lists.
      --work-dir  VM runtime files and the request journal (default ~/.strata-agent); VMs keep running when
                  the agent stops, and a restarted agent re-adopts them
      --accel     accelerator for hosts whose url names none (default auto: KVM if a probe guest runs, else TCG)
      --address   address other hosts reach this one at, for live migration (default: the one used to reach
                  the server)
      --server    several comma-separated servers sharing one database: a failed or lost link moves to the next
`;

export async function runAgentCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' }, token: { type: 'string' }, name: { type: 'string' }, 'work-dir': { type: 'string' },
      accel: { type: 'string' }, address: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) { process.stdout.write(`Usage:\n${AGENT_USAGE}`); return; }
  const token = values.token ?? process.env.STRATA_AGENT_TOKEN;
  if (!values.server || !token) throw new Error('strata agent needs --server URL and --token TOKEN (or STRATA_AGENT_TOKEN)');
  const log = createLogger();
  const agent = startAgent({
    server: values.server, token, name: values.name, workDir: resolve(values['work-dir'] ?? join(homedir(), '.strata-agent')),
    accel: parseAccelSetting(values.accel), address: values.address, log,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping the agent (VMs keep running)`);
    void agent.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  await agent.finished.catch((e: Error) => {
    process.stderr.write(`strata agent: ${e.message}\n`);
    process.exit(1);
  });
}
