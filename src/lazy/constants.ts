/**
 * The string constants of the modules dist/kaa.js loads on first use
 * (timed.ts, combinators.ts, coroutine.ts: the `async` section of
 * kaa-lazy.js), exported at start-up. Each is typed as the original, so the
 * typecheck fails if the two ever differ.
 * @module
 */
import type * as Part from './async.js';

/** See `POLICY_MANY` in src/timers/timed.ts. */
export const POLICY_MANY: typeof Part.POLICY_MANY = 'many';
/** See `POLICY_ONCE` in src/timers/timed.ts. */
export const POLICY_ONCE: typeof Part.POLICY_ONCE = 'once';
/** See `POLICY_RESTART` in src/timers/timed.ts. */
export const POLICY_RESTART: typeof Part.POLICY_RESTART = 'restart';
/** See `FINISH_IDX_RESULT` in src/async/combinators.ts. */
export const FINISH_IDX_RESULT: typeof Part.FINISH_IDX_RESULT = 'idxResult';
/** See `FINISH_IDX` in src/async/combinators.ts. */
export const FINISH_IDX: typeof Part.FINISH_IDX = 'idx';
/** See `FINISH_RESULT` in src/async/combinators.ts. */
export const FINISH_RESULT: typeof Part.FINISH_RESULT = 'result';
/** See `FINISH_SELF` in src/async/combinators.ts. */
export const FINISH_SELF: typeof Part.FINISH_SELF = 'self';
/** See `POLICY_SYNCHRONIZED` in src/async/coroutine.ts. */
export const POLICY_SYNCHRONIZED: typeof Part.POLICY_SYNCHRONIZED = 'synchronized';
/** See `POLICY_SINGLETON` in src/async/coroutine.ts. */
export const POLICY_SINGLETON: typeof Part.POLICY_SINGLETON = 'singleton';
/** See `POLICY_PASS_LAST` in src/async/coroutine.ts. */
export const POLICY_PASS_LAST: typeof Part.POLICY_PASS_LAST = 'passLast';
