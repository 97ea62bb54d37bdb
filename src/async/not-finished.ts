/**
 * `NotFinished`, apart from coroutine.ts so that dist/kaa.js can export it
 * at start-up, before it loads coroutines (src/lazy/): one symbol for both.
 * @module
 */

/** Yield it from a coroutine to let the loop run and resume as a zero-delay timer would (or after `interval`). */
export const NotFinished: unique symbol = Symbol('kaa.NotFinished');
