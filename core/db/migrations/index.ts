// Versioned migrations, applied in key order at start. Never edit a released migration; add a new one.
import type { Migration } from 'kysely';
import * as m001 from './001-initial';
import * as m002 from './002-list-indexes';
import * as m009 from './009-login-lockout';
import * as m011 from './011-scale-indexes';
import * as m011b from './011b-host-core-counter';
import * as m011c from './011c-cluster-capacity';
import * as m011l from './011l-account-type-index';
import * as m011p from './011p-host-name-index';
import * as m011q from './011q-account-usage';
import * as m011k from './011k-vm-keyword-index';
import * as m011w from './011w-drop-host-capacity-index';
import * as m012 from './012-vm-sort-indexes';
import * as m013 from './013-utf8mb4';
import * as m013b from './013b-management-servers';
import * as m013c from './013c-console-tokens';
import * as m013d from './013d-account-numbers';
import * as m013e from './013e-cluster-peers';
import * as m013f from './013f-job-locks';
import * as m014 from './014-metrics';
import * as m014b from './014b-metrics-packs';
import * as m014c from './014c-metrics-packets';
import * as m015 from './015-schedules';
import * as m016 from './016-maintenance-ha';
import * as m016b from './016b-ha-restarts';
import * as m017 from './017-guest-networks';
import * as m018 from './018-network-edge';
import * as m018b from './018b-lb-member-health';
import * as m017s from './017s-network-mtu';
import * as m017t from './017t-network-isolation';
import * as m019 from './019-automation-surface';
import * as m019b from './019b-scoped-settings';
import * as m019c from './019c-keys-userdata';
import * as m019f from './019f-vm-snapshots';
import * as m019d from './019d-groups-limits';
import * as m019h from './019h-projects';
import * as m019i from './019i-project-scope-indexes';
import * as m019j from './019j-limit-reservations';

export const migrations: Record<string, Migration> = {
  '001-initial': m001,
  '002-list-indexes': m002,
  '009-login-lockout': m009,
  '011-scale-indexes': m011,
  '011b-host-core-counter': m011b,
  '011c-cluster-capacity': m011c,
  '011l-account-type-index': m011l,
  '011p-host-name-index': m011p,
  '011q-account-usage': m011q,
  '011k-vm-keyword-index': m011k,
  '011w-drop-host-capacity-index': m011w,
  '012-vm-sort-indexes': m012,
  '013-utf8mb4': m013,
  '013b-management-servers': m013b,
  '013c-console-tokens': m013c,
  '013d-account-numbers': m013d,
  '013e-cluster-peers': m013e,
  '013f-job-locks': m013f,
  '014-metrics': m014,
  '014b-metrics-packs': m014b,
  '014c-metrics-packets': m014c,
  '015-schedules': m015,
  '016-maintenance-ha': m016,
  '016b-ha-restarts': m016b,
  '017-guest-networks': m017,
  '018-network-edge': m018,
  '018b-lb-member-health': m018b,
  '017s-network-mtu': m017s,
  '017t-network-isolation': m017t,
  '019-automation-surface': m019,
  '019b-scoped-settings': m019b,
  '019c-keys-userdata': m019c,
  '019f-vm-snapshots': m019f,
  '019d-groups-limits': m019d,
  '019h-projects': m019h,
  '019i-project-scope-indexes': m019i,
  '019j-limit-reservations': m019j,
};
