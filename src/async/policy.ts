/**
 * The policy state of coroutines: which call is active, which calls are
 * queued (`POLICY_SYNCHRONIZED`), which was the last one (`POLICY_PASS_LAST`).
 *
 * A state belongs to an object (the `this` of the call) and a key — the
 * coroutine function, or a `group` name shared by several methods. Calls
 * without an object use one state per function (per group name with a
 * group). States of objects are held in a WeakMap: they go when the object
 * does, and hold nothing but InProgress of unfinished calls.
 *
 * A queued call starts from the finishing callback of the call before it,
 * after the callbacks connected to that call before it was queued (the
 * order kaa.base's chaining gave).
 * @module
 */
import type { InProgress } from './inprogress.js';
import { react } from './internal.js';

/** One policy state (see the module comment). @internal */
export interface PolicyState {
    /** The running call (SINGLETON, SYNCHRONIZED). */
    active: InProgress<unknown> | null;
    /** The most recent call (PASS_LAST). */
    last: InProgress<unknown> | null;
    /** Calls waiting to start (SYNCHRONIZED). */
    readonly queue: Call[];
    /** The call whose end starts the next queued one. */
    watching: InProgress<unknown> | null;
}

/** A call made but maybe not started: its InProgress and how to start it. @internal */
export interface Call {
    readonly ip: InProgress<unknown>;
    readonly start: () => void;
}

const byOwner = new WeakMap<object, Map<unknown, PolicyState>>();
const byGroup = new Map<string, PolicyState>();

const fresh = (): PolicyState => ({ active: null, last: null, queue: [], watching: null });

function stateFor(owner: unknown, key: unknown, own: Map<unknown, PolicyState>): PolicyState {
    let map = own;
    if ((typeof owner === 'object' && owner !== null) || typeof owner === 'function') {
        map = byOwner.get(owner) ?? new Map<unknown, PolicyState>();
        byOwner.set(owner, map);
    } else if (typeof key === 'string') {
        let state = byGroup.get(key);
        if (state === undefined)
            byGroup.set(key, state = fresh());
        return state;
    }
    let state = map.get(key);
    if (state === undefined)
        map.set(key, state = fresh());
    return state;
}

/**
 * Makes and starts (or queues, or skips) one call under `policy`.
 * @param owner - the call's `this`.
 * @param key - the coroutine function or its group name.
 * @param own - the function's own states, for calls without an object.
 * @param policy - `'synchronized'`, `'singleton'`, `'passLast'` or null.
 * @param make - builds the call from the state (PASS_LAST reads `state.last`).
 * @returns the call's InProgress (the running one's, for SINGLETON).
 * @internal
 */
export function callWithPolicy<I extends InProgress<unknown>>(owner: unknown, key: unknown, own: Map<unknown, PolicyState>,
    policy: string | null, make: (state: PolicyState) => { ip: I; start: () => void }): I {
    if (policy === null) {
        const call = make(fresh());
        call.start();
        return call.ip;
    }
    const state = stateFor(owner, key, own);
    if (policy === 'singleton' && state.active !== null && !state.active.finished)
        return state.active as I;
    const call = make(state);
    state.last = call.ip;
    if (policy === 'synchronized') {
        state.queue.push(call);
        if (state.active !== null && state.active.finished)
            state.active = null;
        dequeue(state);
    } else {
        state.active = call.ip;
        call.start();
    }
    return call.ip;
}

function dequeue(state: PolicyState): void {
    while (state.active === null && state.queue.length > 0) {
        const call = state.queue.shift() as Call;
        if (call.ip.finished) // aborted while queued
            continue;
        state.active = call.ip;
        call.start();
        if (call.ip.finished && state.active === call.ip)
            state.active = null;
    }
    watch(state);
}

/** Once something is queued behind the active call, start the next call when it ends. */
function watch(state: PolicyState): void {
    const active = state.active;
    if (active === null || active.finished || state.queue.length === 0 || state.watching === active)
        return;
    state.watching = active;
    const next = () => {
        if (state.watching === active)
            state.watching = null;
        if (state.active === active)
            state.active = null;
        dequeue(state);
    };
    react(active, next, next, true);
}
