// Versioned migrations, applied in key order at start. Never edit a released migration; add a new one.
import type { Migration } from 'kysely';
import * as m001 from './001-initial';
import * as m002 from './002-list-indexes';
import * as m012 from './012-vm-sort-indexes';

export const migrations: Record<string, Migration> = {
  '001-initial': m001,
  '002-list-indexes': m002,
  '012-vm-sort-indexes': m012,
};
