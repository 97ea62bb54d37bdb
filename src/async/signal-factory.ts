/**
 * Registers how `signal.inprogress()` builds its InProgress (the notifier
 * never imports the async layer: it is handed a factory). Here rather than
 * in adapt.ts because adapt.ts is loaded on first use in dist/kaa.js, and
 * `signal.inprogress()` must work from the start: src/core.ts imports this
 * module for its effect.
 * @module
 */
import { setInProgressFactory } from '../notifier/signals.js';
import { InProgress } from './inprogress.js';
import { onAbort } from './internal.js';

setInProgressFactory(hook => {
    const ip = new InProgress<unknown>({ name: 'Signal.inprogress()' });
    const cut = hook.once(value => {
        if (!ip.finished)
            ip.finish(value);
    });
    onAbort(ip, cut);
    return ip;
});
