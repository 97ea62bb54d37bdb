/**
 * The `generic` backend: kaa iterates the default `GLib.MainContext` itself
 * (the loop of `main.run()` is a sequence of `iteration(true)` calls, so kaa
 * regains control after every iteration). Nothing to prepare.
 */
import type { Backend } from './backend.js';

/** The default backend. */
export const genericBackend: Backend = {
    name: 'generic',
    setUp() { /* the default main context needs no set-up */ },
};
