// Public entry points of the host agent and its management-server side (see protocol.ts for the design).
export { createAgentHub, type AgentHub, type AgentHubOptions } from './agent-hub';
export { createRemoteKvmDriver, type RemoteKvmDriver } from './remote-driver';
export { startAgent, agentUrl, type Agent, type AgentOptions } from './agent';
export { isAgentUrl } from './host-link';
export { AGENT_PATH, PROTOCOL_VERSION } from './protocol';
