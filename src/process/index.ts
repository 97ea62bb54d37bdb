/**
 * The process layer: `Process`, `watchChild()` and the supervisor that
 * reaps and stops children (loading it registers the supervisor's shutdown
 * hook and its `processes` count with the notifier).
 * @module
 */
export { Process, type ProcessOptions, type ProcessSignals, type ProcessState } from './process.js';
export type { StopCommand, StopOptions } from './stop.js';
export type { Dumpfile, StreamName } from './streams.js';
export { watchChild, decodeWaitStatus } from './child-watch.js';
