// The caches of one core (Services.caches), made here so createCore and the test environments build them the same
// way. Each registers with the core's SharedCaches, which createCore polls; see CoreCaches for the families.
import type { Db } from './db/connect';
import type { CoreCaches } from './kernel/services';
import { createSharedCaches } from './db/shared-caches';
import { Directory } from './identity/directory';
import { createOsTypes } from './catalog/os-types';
import { createImageFiles } from './catalog/image-files';
import { createInfraVersion } from './hosts/host-index';
import { createInfraFacts } from './orchestration/vm/infra';
import { createVmStatsCache } from './orchestration/vm/stats-cache';

export function createCoreCaches(db: Db): CoreCaches {
  const shared = createSharedCaches(db);
  return {
    shared,
    directory: new Directory(db, shared),
    osTypes: createOsTypes(db, shared),
    imageFiles: createImageFiles(db, shared),
    infraVersion: createInfraVersion(shared),
    infraFacts: createInfraFacts(),
    vmStats: createVmStatsCache(),
  };
}
