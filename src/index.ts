/** slbsim's public library surface. */

export * from './engine/journal.js';
export type * from './scenario/model.js';
export * from './schedulers/scheduler.js';
export * from './topology/errors.js';
export * from './topology/events.js';
export type { ApplyResult } from './topology/result.js';
export * from './topology/types.js';
export { VERSION } from './version.js';
