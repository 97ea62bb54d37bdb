/**
 * kaa for GJS: the public API. Every export is named here explicitly.
 * @packageDocumentation
 */

/** The version of this kaa build. */
export const VERSION = '0.1.0';
