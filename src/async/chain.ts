/**
 * Chaining: `finish(thenable)` and `waitFor(other)` lock the outcome of an
 * InProgress to another InProgress or a Promise (the `following` state, see
 * core.ts), so an InProgress never finishes with a thenable and `await`
 * cannot loop. `abort()` cuts the link ({@link unfollow}) and aborts what it
 * followed when nothing else waits for that (abort.ts).
 *
 * A Promise is followed from a GLib callback (`defer()`), never from the
 * promise job that settled it: on GJS 1.74 a nested loop (`wait()`) cannot
 * run inside a promise job, and callbacks may call `wait()`.
 * @module
 */
import { defer } from '../notifier/scheduler.js';
import type { Core } from './core.js';
import { maybeCore } from './internal.js';
import { isThenable } from './support.js';

/** What a `following` InProgress follows: the Core of an InProgress (null for a Promise), and how to cut the link. */
export interface Follow {
    readonly target: Core | null;
    readonly cut: () => void;
}

/**
 * Makes `core` end as `other` ends (moves it to `following`).
 * @param core - a pending (or, for a Promise's thenable result, following) InProgress's state.
 * @param other - an InProgress or another thenable.
 * @throws TypeError when `other` is the InProgress itself or waits for it (a cycle).
 * @example
 * follow(core, otherInProgress);
 */
export function follow(core: Core, other: PromiseLike<unknown>): void {
    const ip = core.owner;
    if (other === ip)
        throw new TypeError(`${ip} cannot finish with itself`);
    const target = maybeCore(other);
    if (target !== null) {
        for (let c: Core | null = target; c !== null; c = c.follow?.target ?? null) {
            if (c === core)
                throw new TypeError(`${ip} cannot wait for ${other}: that one waits for it (a cycle)`);
        }
        core.move('following');
        const r = target.react({ ok: v => core.end(true, v), err: e => core.end(false, e), fn: null, passive: false });
        if (!core.ended)
            core.follow = { target, cut: () => target.unreact(r) };
        return;
    }
    core.move('following');
    let live = true;
    core.follow = {
        target: null, cut: () => {
            live = false;
        },
    };
    // Settled from a GLib callback, never from the promise job (GJS 1.74: nested loops).
    const settle = (ok: boolean, v: unknown) => defer(() => {
        if (!live || core.ended)
            return;
        if (ok && isThenable(v))
            follow(core, v);
        else
            core.end(ok, v);
    });
    try {
        other.then(v => settle(true, v), e => settle(false, e));
    } catch (e) {
        live = false;
        core.end(false, e);
    }
}

/**
 * Cuts the link of a `following` InProgress (it stays `following`: abort()
 * ends it next).
 * @param core - the InProgress's state.
 * @returns the Core of the InProgress it followed, or null.
 * @example
 * const waited = unfollow(core);
 */
export function unfollow(core: Core): Core | null {
    const link = core.follow;
    if (link === null)
        return null;
    core.follow = null;
    link.cut();
    return link.target;
}
