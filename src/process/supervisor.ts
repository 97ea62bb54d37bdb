/**
 * The supervisor: it holds every child kaa started until the child has been
 * reaped, notices exits GJS failed to report, and stops every child at
 * shutdown (kaa.base's module-level `supervisor`).
 *
 * How exits are detected, and why (GJS 1.74, GLib 2.74):
 * - `Gio.Subprocess` reaps its own children: GLib's worker thread runs a
 *   child watch, stores the wait status, sets the pid to 0 (after which
 *   `get_identifier()` returns `null`) and completes every pending
 *   `wait_async()` in the main context. kaa calls `wait_async()` once per
 *   child: that callback is the fast path, it wakes the loop at once;
 * - GJS 1.74 refuses every GLib→JS callback while an incremental GC runs,
 *   and a refused async-ready callback is lost for good: the child is reaped
 *   but JS never hears of it. The GTask completion is still a dispatch in
 *   the main context, so the kaa iteration in which it was dropped ends as
 *   usual, and the supervisor's `Probe` (run by the loop's re-arm phase,
 *   notifier/source.ts) asks every supervised child `get_identifier() ===
 *   null?` — one cheap GI call per live child per iteration (nothing when no
 *   child is live). A worker is asked only once its link reached EOF or it
 *   is being stopped (`supervise(child, false)`, then {@link probeExit}):
 *   its socket, close-on-exec in the worker, ends when it dies. An exit seen there first also ends a GC that is
 *   refusing callbacks (notifier/sources.ts `finishGcIfRefusing`), so the
 *   sweep does not outlive the kaa loop and refuse its caller's callbacks.
 *   The stop escalation and the end of the child's output streams check the
 *   child directly too, which covers a host-driven loop (the `thread`
 *   backend), where kaa only runs its checks after its own dispatches;
 * - no SIGCHLD handler (GLib cannot install one for JS) and no timer polls
 *   the children while nothing is being stopped: an idle loop stays idle.
 *
 * The supervisor registers with the notifier when this module loads: a
 * shutdown hook `processes` (every child is stopped with the escalation of
 * `Process.stop()` and reaped before `run()` returns — no zombies, no
 * orphans, also after SIGTERM, which kaa's loop turns into a shutdown) and
 * a statistics count `live.processes` (the leak check of the test suite).
 * @module
 */
import { logException } from '../notifier/log.js';
import { addShutdownHook, addStatisticsHook } from '../notifier/loop.js';
import { Probe } from '../notifier/source.js';
import { InProgress } from '../async/inprogress.js';

/** What the supervisor needs from a running child (a Process implements it). */
export interface SupervisedChild {
    /** Checks whether the child has been reaped, and handles the exit if so; true when it has. */
    poll(): boolean;
    /** Stops the child with the escalation (stop command, SIGTERM, SIGKILL); finishes once it is reaped. */
    stop(): InProgress<void>;
    /** A short description for messages: `'sleep 10' (pid 1234)`. */
    toString(): string;
}

const children = new Set<SupervisedChild>();
/** The children the probe asks: all but those whose exit shows otherwise until {@link probeExit} (a worker: EOF on its link). */
const probed = new Set<SupervisedChild>();

/** Asks every probed child whether it was reaped, in the loop's re-arm phase (notifier/source.ts). */
const exits = new Probe('child-exits', () => {
    for (const child of probed) {
        try {
            child.poll();
        } catch (error) {
            logException(error, `checking the exit of ${child} failed`);
        }
    }
});

/**
 * Starts supervising a child that has just been spawned: it stays referenced
 * until {@link release} (so a user need not keep its Process), it is checked
 * after every kaa iteration and stopped at shutdown.
 * @param child - the running child.
 * @param probe - check it after every iteration from now on; false for a
 *   child whose exit its owner sees by other means until it calls
 *   {@link probeExit} (a worker: EOF on its socket, which no other process
 *   holds).
 * @example
 * supervise(this);
 */
export function supervise(child: SupervisedChild, probe = true): void {
    children.add(child);
    if (probe)
        probeExit(child);
}

/**
 * Checks a supervised child after every kaa iteration from now on (its
 * owner expects it to exit, or saw a sign of it). Harmless twice.
 * @param child - a child given to {@link supervise}.
 * @example
 * probeExit(run); // the worker's link reached EOF
 */
export function probeExit(child: SupervisedChild): void {
    if (!children.has(child))
        return;
    probed.add(child);
    exits.start();
}

/**
 * Stops supervising a child: it has been reaped.
 * @param child - the child given to {@link supervise}.
 * @example
 * release(this);
 */
export function release(child: SupervisedChild): void {
    children.delete(child);
    probed.delete(child);
    if (!probed.size)
        exits.stop();
}

/**
 * The number of supervised children: spawned and not yet reaped (hung ones included).
 * @returns the count (`main.statistics().live.processes` reports it).
 * @example
 * if (liveChildren()) print('children still running');
 */
export function liveChildren(): number {
    return children.size;
}

/**
 * Stops every supervised child with its escalation and waits until all of
 * them have been reaped; children started meanwhile are stopped too. A child
 * that refuses to die is logged, not waited for forever.
 * @returns an InProgress that finishes when no child is left (at once when there is none).
 * @example
 * stopAll().wait(20);
 */
export function stopAll(): InProgress<void> {
    const all = new InProgress<void>({ name: 'stopping every child process' });
    const tried = new Set<SupervisedChild>();
    let pending = 0;
    const done = () => {
        pending--;
        round();
    };
    const round = () => {
        const fresh = [...children].filter(c => !tried.has(c));
        fresh.forEach(c => tried.add(c));
        pending += fresh.length;
        for (const child of fresh) {
            probeExit(child);
            child.stop().connectBoth(done, error => {
                logException(error, `stopping ${child} at shutdown failed`);
                done();
            });
        }
        if (pending === 0 && !all.finished)
            all.finish();
    };
    round();
    return all;
}

addStatisticsHook('processes', liveChildren);
addShutdownHook('processes', () => (children.size ? stopAll() : undefined));
