// The host state machines, with CloudStack's state and event names (reference §6.2, §6.3). Every change of a
// host's `state` (agent status) or `resource_state` (admin intent) goes through these tables, so an impossible
// transition is a bug caught here, not a silently odd row.

export const HostStatus = {
  Creating: 'Creating', Connecting: 'Connecting', Up: 'Up', Down: 'Down', Disconnected: 'Disconnected',
  Alert: 'Alert', Removed: 'Removed', Error: 'Error', Rebalancing: 'Rebalancing', Unknown: 'Unknown',
} as const;
export type HostStatusName = (typeof HostStatus)[keyof typeof HostStatus];

export type HostStatusEvent =
  | 'AgentConnected' | 'Ready' | 'Ping' | 'PingTimeout' | 'AgentDisconnected' | 'ShutdownRequested'
  | 'ManagementServerDown' | 'HostDown' | 'WaitedTooLong' | 'StartAgentRebalance' | 'RebalanceCompleted'
  | 'RebalanceFailed' | 'Remove' | 'Error';

const S = HostStatus;
const statusTable: Record<HostStatusName, Partial<Record<HostStatusEvent, HostStatusName>>> = {
  Creating: { AgentConnected: S.Connecting, Error: S.Error, Remove: S.Removed },
  Connecting: {
    Ready: S.Up, AgentConnected: S.Connecting, Ping: S.Connecting, PingTimeout: S.Alert, AgentDisconnected: S.Alert,
    ShutdownRequested: S.Disconnected, HostDown: S.Down, Error: S.Alert, Remove: S.Removed,
  },
  Up: {
    Ping: S.Up, AgentConnected: S.Connecting, PingTimeout: S.Alert, AgentDisconnected: S.Alert,
    ShutdownRequested: S.Disconnected, ManagementServerDown: S.Disconnected, HostDown: S.Down,
    StartAgentRebalance: S.Rebalancing, Remove: S.Removed,
  },
  Disconnected: {
    Ping: S.Up, AgentConnected: S.Connecting, PingTimeout: S.Alert, WaitedTooLong: S.Alert, HostDown: S.Down,
    AgentDisconnected: S.Disconnected, ManagementServerDown: S.Disconnected, Remove: S.Removed,
  },
  Alert: {
    Ping: S.Up, AgentConnected: S.Connecting, ShutdownRequested: S.Disconnected, PingTimeout: S.Alert,
    AgentDisconnected: S.Alert, HostDown: S.Down, Remove: S.Removed,
  },
  Down: { AgentConnected: S.Connecting, PingTimeout: S.Down, AgentDisconnected: S.Down, Remove: S.Removed },
  Rebalancing: { RebalanceCompleted: S.Connecting, RebalanceFailed: S.Disconnected, Remove: S.Removed },
  Error: { AgentConnected: S.Connecting, Remove: S.Removed },
  Unknown: { AgentConnected: S.Connecting, Ping: S.Up, PingTimeout: S.Alert, Remove: S.Removed },
  Removed: {},
};

export const ResourceState = {
  Creating: 'Creating', Enabled: 'Enabled', Disabled: 'Disabled', PrepareForMaintenance: 'PrepareForMaintenance',
  ErrorInPrepareForMaintenance: 'ErrorInPrepareForMaintenance', Maintenance: 'Maintenance',
  ErrorInMaintenance: 'ErrorInMaintenance', Error: 'Error', Degraded: 'Degraded',
} as const;
export type ResourceStateName = (typeof ResourceState)[keyof typeof ResourceState];

export type ResourceStateEvent =
  | 'InternalCreated' | 'Enable' | 'Disable' | 'AdminAskMaintenance' | 'InternalEnterMaintenance'
  | 'UnableToMigrate' | 'UnableToMaintain' | 'ErrorsCorrected' | 'AdminCancelMaintenance' | 'DeleteHost'
  | 'DeclareHostDegraded' | 'EnableDegradedHost' | 'Error';

const R = ResourceState;
const resourceTable: Record<ResourceStateName, Partial<Record<ResourceStateEvent, ResourceStateName>>> = {
  Creating: { InternalCreated: R.Enabled, Disable: R.Disabled, Error: R.Error },
  Enabled: {
    Enable: R.Enabled, Disable: R.Disabled, AdminAskMaintenance: R.PrepareForMaintenance,
    InternalEnterMaintenance: R.Maintenance, DeclareHostDegraded: R.Degraded, Error: R.Error,
  },
  Disabled: {
    Enable: R.Enabled, Disable: R.Disabled, AdminAskMaintenance: R.PrepareForMaintenance,
    InternalEnterMaintenance: R.Maintenance, DeleteHost: R.Disabled, DeclareHostDegraded: R.Degraded,
  },
  PrepareForMaintenance: {
    InternalEnterMaintenance: R.Maintenance, AdminCancelMaintenance: R.Enabled, UnableToMigrate: R.ErrorInPrepareForMaintenance,
    UnableToMaintain: R.ErrorInMaintenance, AdminAskMaintenance: R.PrepareForMaintenance,
  },
  ErrorInPrepareForMaintenance: {
    ErrorsCorrected: R.PrepareForMaintenance, AdminCancelMaintenance: R.Enabled, InternalEnterMaintenance: R.Maintenance,
    UnableToMigrate: R.ErrorInPrepareForMaintenance, AdminAskMaintenance: R.PrepareForMaintenance, DeleteHost: R.Disabled,
  },
  Maintenance: { AdminCancelMaintenance: R.Enabled, DeleteHost: R.Disabled, DeclareHostDegraded: R.Degraded },
  ErrorInMaintenance: {
    AdminCancelMaintenance: R.Enabled, ErrorsCorrected: R.Maintenance, DeleteHost: R.Disabled, AdminAskMaintenance: R.PrepareForMaintenance,
  },
  Error: { DeleteHost: R.Disabled, Enable: R.Enabled },
  Degraded: { EnableDegradedHost: R.Enabled, DeleteHost: R.Disabled },
};

export class HostStateError extends Error {}

/** The agent status after `event`, or a HostStateError when the machine does not allow it. */
export function nextHostStatus(from: string, event: HostStatusEvent): HostStatusName {
  const to = statusTable[from as HostStatusName]?.[event];
  if (to === undefined) throw new HostStateError(`Host state ${from} does not allow event ${event}`);
  return to;
}

export function canHostStatus(from: string, event: HostStatusEvent): boolean {
  return statusTable[from as HostStatusName]?.[event] !== undefined;
}

/** The resource state after `event`, or a HostStateError when the machine does not allow it. */
export function nextResourceState(from: string, event: ResourceStateEvent): ResourceStateName {
  const to = resourceTable[from as ResourceStateName]?.[event];
  if (to === undefined) throw new HostStateError(`Host resource state ${from} does not allow event ${event}`);
  return to;
}

export function canResourceState(from: string, event: ResourceStateEvent): boolean {
  return resourceTable[from as ResourceStateName]?.[event] !== undefined;
}

/** Hosts the planner may place new VMs on (§6.3: Up and Enabled). */
export const isAllocatable = (state: string, resourceState: string) =>
  state === HostStatus.Up && resourceState === ResourceState.Enabled;

/** The events a host's agent status allows next (CloudStack shows them in the host's `events` field). */
export function hostStatusEvents(state: string): HostStatusEvent[] {
  return Object.keys(statusTable[state as HostStatusName] ?? {}) as HostStatusEvent[];
}
