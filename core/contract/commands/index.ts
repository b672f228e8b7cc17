// Every command declaration, by name. Pure data shared by the core (dispatcher, listApis) and the renderer
// (typed client, which actions to show).
import { baseCommands } from './base';
import { jobsCommands } from './jobs';
import { eventsCommands } from './events';
import { identityCommands } from './identity';
import { infraCommands } from './infra';
import { catalogCommands } from './catalog';
import { computeCommands } from './compute';
import { storageCommands } from './storage';
import { consoleCommands } from './console';
import { clusterCommands } from './cluster';
import { metricsCommands } from './metrics';
import { tagsCommands } from './tags';
import { scheduleCommands } from './schedules';
import { maintenanceCommands } from './maintenance';
import { networkCommands } from './network';
import { settingsCommands } from './settings';
import { guestAccessCommands } from './guest-access';
import { networkEdgeCommands } from './network-edge';
import { vmSnapshotCommands } from './vm-snapshots';
import { templateDeriveCommands } from './template-derive';
import { vmRestoreCommands } from './vm-restore';
import { groupsCommands } from './groups';
import { limitsCommands } from './limits';
import { projectsCommands } from './projects';

export const allCommands = {
  ...baseCommands, ...jobsCommands, ...eventsCommands, ...identityCommands, ...infraCommands,
  ...catalogCommands, ...computeCommands, ...storageCommands, ...consoleCommands, ...clusterCommands, ...metricsCommands,
  ...tagsCommands,
  ...scheduleCommands,
  ...maintenanceCommands,
  ...networkCommands,
  ...settingsCommands,
  ...guestAccessCommands,
  ...networkEdgeCommands,
  ...vmSnapshotCommands, ...templateDeriveCommands, ...vmRestoreCommands,
  ...groupsCommands,
  ...limitsCommands,
  ...projectsCommands,
};

export type Commands = typeof allCommands;
export type CommandName = keyof Commands & string;
