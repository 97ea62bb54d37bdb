/**
 * The two symbol targets of `threaded()`. They live apart from threaded.ts
 * so that dist/kaa.js can export them at start-up, before it loads the
 * workers layer (src/lazy/): one symbol for both, whichever loads first.
 * @module
 */

/** `threaded(MAINTHREAD)`: run on the main loop of this process. */
export const MAINTHREAD: unique symbol = Symbol('kaa.MAINTHREAD');
/** `threaded(GOBJECT)`: run in the GObject worker (`gobjectSetThreaded()`), else on the main loop. */
export const GOBJECT: unique symbol = Symbol('kaa.GOBJECT');
