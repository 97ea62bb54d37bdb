/**
 * Timers (DESIGN.md §4): the `Timer` family, `AtTimer`, and `timed()`. The
 * code lives in src/timers/; this file is the layer's one entry point.
 * `delay(seconds)` belongs to the async layer (it returns an InProgress).
 * @module
 */
export { Timer, OneShotTimer, WeakTimer, WeakOneShotTimer } from './timers/timer.js';
export type { TimerCallback, TimerStartOptions } from './timers/timer.js';
export { AtTimer, OneShotAtTimer, nextAtTime } from './timers/at-timer.js';
export type { AtTimerSpec } from './timers/at-timer.js';
export { timed, POLICY_MANY, POLICY_ONCE, POLICY_RESTART } from './timers/timed.js';
export type { TimedFunction, TimedOptions, TimedPolicy, TimedWrapper, TimerClass } from './timers/timed.js';
