/**
 * How `signal.inprogress()` builds its InProgress, registered with the
 * notifier when this module loads (the notifier never imports the async
 * layer: it is handed a factory). src/async/index.ts and the lazy section
 * of dist/kaa-lazy.js (src/lazy/async.ts) load it; before that section is
 * loaded, dist/kaa.js registers a stand-in that loads it (src/kaa.ts).
 * @module
 */
import { setInProgressFactory, type SignalInProgressHook } from '../notifier/signals.js';
import { InProgress } from './inprogress.js';
import { onAbort } from './internal.js';

/**
 * Builds the InProgress of `signal.inprogress()`: it finishes with the
 * signal's next emission, and aborting it disconnects.
 * @param hook - the signal and how to connect to its next emission.
 * @returns the InProgress.
 * @example
 * setInProgressFactory(signalInProgress);
 */
export function signalInProgress(hook: SignalInProgressHook): InProgress<unknown> {
    const ip = new InProgress<unknown>({ name: 'Signal.inprogress()' });
    const cut = hook.once(value => {
        if (!ip.finished)
            ip.finish(value);
    });
    onAbort(ip, cut);
    return ip;
}

setInProgressFactory(signalInProgress);
