// Schedules shared by the core and the renderer: cron parsing, time zones, next runs, words.
export * from './cron';
export * from './time-zones';
export * from './next-runs';
export * from './snapshot-schedule';
export * from './cron-words';
export * from './task-target';
