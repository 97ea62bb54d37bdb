/**
 * The state machine inside every InProgress. The public class
 * (inprogress.ts) keeps one `Core` in a private field and forwards to it;
 * the other pieces work on it: chain.ts (following another thenable),
 * abort.ts, unhandled.ts (failures nobody took) and wait.ts. Internal: the
 * package index never exports this module.
 *
 * The states and the moves between them ({@link MOVES}; any other move
 * throws an InProgressStateError):
 *
 *     pending ──finish(thenable) / waitFor()──▶ following ──┐ (it ends: again
 *        │                                         │        │  following when a
 *        ├── finish(value) ──▶ finished ◀──────────┤        │  Promise gives a
 *        ├── throw(error) ───▶ failed   ◀──────────┤        │  thenable)
 *        └── abort() ────────▶ aborted  ◀──────────┘ ◀──────┘
 *
 * `aborted` is a failure with the error of an `abort()` that its
 * `signals.abort` accepted; it is never reported as unhandled. Publicly a
 * following InProgress is unfinished, and an aborted one `failed`.
 *
 * Callbacks run synchronously inside the move to an end state, in the order
 * they were connected (reactions: `connect`, `connectBoth`, `then`, other
 * InProgress waiting for this one), then the `signals.finished`/`exception`
 * callbacks. What a callback throws goes to `kaa.signals.exception`
 * (support.ts `guarded`); a SystemExit is rethrown once all ran.
 * @module
 */
import { InProgressStateError, SystemExit, type InProgressAborted } from '../notifier/errors.js';
import { Signal, Signals } from '../notifier/signals.js';
import type { AbortRecord } from './abort.js';
import type { Follow } from './chain.js';
import type { InProgress, InProgressSignals } from './inprogress.js';
import { guarded } from './support.js';
import { takeFailure, watchFailure } from './unhandled.js';

/** Where an InProgress stands; see the module comment. */
export type State = 'pending' | 'following' | 'finished' | 'failed' | 'aborted';

/** The moves each state allows; the end states allow none. */
export const MOVES: { readonly [S in State]: readonly State[] } = {
    pending: ['following', 'finished', 'failed', 'aborted'],
    following: ['following', 'finished', 'failed', 'aborted'],
    finished: [],
    failed: [],
    aborted: [],
};

/** A callback list entry; `passive` ones neither take failures nor count as waiters. */
export interface Reaction {
    readonly ok: ((value: unknown) => unknown) | null;
    readonly err: ((error: unknown) => unknown) | null;
    /** The function `disconnect()` matches (besides `err`). */
    readonly fn: unknown;
    readonly passive: boolean;
}

type AnySignals = InProgressSignals<unknown>;

/** The state of one InProgress; its fields belong to the modules named on them. */
export class Core {
    /** The public object, for messages and as `this` of what it hands out. */
    readonly owner: InProgress<unknown>;
    /** A name for messages, or null. */
    readonly name: string | null;
    /** Where it was made (debug mode), or null. */
    readonly createdAt: string | null;
    /** Whether `abort()` is allowed. */
    abortable: boolean;
    /** Where it stands; changed only by {@link Core.move}. */
    state: State = 'pending';
    /** The result or the failure, once ended. */
    value: unknown = undefined;
    /** Callbacks waiting for the end, in connection order; empty once ended. */
    reactions: Reaction[] = [];
    /** `signals`, made on first use ({@link Core.signals}). */
    #signals: AnySignals | null = null;
    /** Emissions of `signals.finished`/`exception` under way (a connection made meanwhile waits its turn). */
    #draining = 0;
    /** chain.ts: what it follows, while `following`. */
    follow: Follow | null = null;
    /** abort.ts: the undo actions of the work and the accepted abort's error. */
    abort: AbortRecord | null = null;
    /** unhandled.ts: its failure was taken (or reported). */
    handled = false;
    /** wait.ts: `wait()` calls running a nested loop for it (they will take a failure). */
    waits = 0;

    /**
     * @param owner - the InProgress.
     * @param abortable - whether `abort()` is allowed.
     * @param name - for messages.
     * @param createdAt - the creation stack, or null.
     */
    constructor(owner: InProgress<unknown>, abortable: boolean, name: string | null, createdAt: string | null) {
        this.owner = owner;
        this.abortable = abortable;
        this.name = name;
        this.createdAt = createdAt;
    }

    /** True once finished, failed or aborted. */
    get ended(): boolean {
        return this.state === 'finished' || this.state === 'failed' || this.state === 'aborted';
    }

    /** True when it ended with a failure (failed or aborted). */
    get failed(): boolean {
        return this.state === 'failed' || this.state === 'aborted';
    }

    /** The state as users see it (`finished` getter, `toString()`): pending, finished or failed. */
    get publicState(): 'pending' | 'finished' | 'failed' {
        return !this.ended ? 'pending' : this.state === 'finished' ? 'finished' : 'failed';
    }

    /**
     * Moves to `to`.
     * @throws InProgressStateError when {@link MOVES} does not allow it.
     */
    move(to: State): void {
        if (!MOVES[this.state].includes(to))
            throw new InProgressStateError(`${this.owner}: cannot go from ${this.state} to ${to}`, { inprogress: this.owner, state: this.state });
        this.state = to;
    }

    /**
     * Throws unless `method` (finish, throw, execute, waitFor) may decide the outcome.
     * @throws InProgressStateError when it ended or follows a thenable.
     */
    checkOpen(method: string): void {
        if (this.state === 'pending')
            return;
        const why = this.state === 'following' ? 'it already follows another InProgress or Promise' : 'it has already finished';
        throw new InProgressStateError(`${this.owner}.${method}(): ${why}`, { inprogress: this.owner, state: this.state });
    }

    /**
     * The result, or the failure thrown (which takes it).
     * @throws InProgressStateError before it ended; the failure.
     */
    result(): unknown {
        if (!this.ended)
            throw new InProgressStateError(`${this.owner}: has not finished yet, there is no result`, { inprogress: this.owner, state: this.state });
        if (this.failed) {
            takeFailure(this);
            throw this.value;
        }
        return this.value;
    }

    /**
     * Ends it: finished with `value` when `ok`, else failed with it (aborted
     * when it is the error of an accepted `abort()`), and runs the callbacks.
     * @throws InProgressStateError when it already ended; a callback's SystemExit.
     */
    end(ok: boolean, value: unknown): void {
        const error = this.abort?.error;
        this.move(ok ? 'finished' : error !== undefined && error !== null && value === error ? 'aborted' : 'failed');
        this.value = value;
        this.follow = null;
        this.abort = null;
        const reactions = this.reactions;
        this.reactions = [];
        if (!ok)
            watchFailure(this, reactions);
        const exit = { error: null as SystemExit | null };
        for (const r of reactions) {
            const fn = ok ? r.ok : r.err;
            if (fn !== null)
                guarded(fn, value, this.owner, exit);
        }
        const signals = this.#signals;
        if (signals !== null)
            this.#drain(ok ? signals.finished : signals.exception, value);
        if (exit.error)
            throw exit.error;
    }

    /**
     * Adds a callback for the end; once ended, calls the right one at once.
     * @returns the reaction (for {@link Core.unreact}), or null when it ran at once.
     * @throws a callback's SystemExit (once ended).
     */
    react(reaction: Reaction): Reaction | null {
        if (!this.ended) {
            this.reactions.push(reaction);
            return reaction;
        }
        const fn = this.failed ? reaction.err : reaction.ok;
        if (this.failed && reaction.err !== null && !reaction.passive)
            takeFailure(this);
        const exit = { error: null as SystemExit | null };
        if (fn !== null)
            guarded(fn, this.value, this.owner, exit);
        if (exit.error)
            throw exit.error;
        return null;
    }

    /** Removes a reaction `react` returned (harmless for `null` or one already gone). */
    unreact(reaction: Reaction | null): void {
        const i = reaction === null ? -1 : this.reactions.indexOf(reaction);
        if (i >= 0)
            this.reactions.splice(i, 1);
    }

    /**
     * Cuts the reactions connected with `callback` (`disconnect()`).
     * @returns whether there were any.
     */
    disconnect(callback: unknown): boolean {
        const list = this.reactions;
        this.reactions = list.filter(r => r.fn !== callback && r.err !== callback);
        return this.reactions.length !== list.length;
    }

    /** How many callbacks wait for it (passive reactions do not count). */
    waiterCount(): number {
        let n = 0;
        for (const r of this.reactions) {
            if (!r.passive)
                n++;
        }
        const signals = this.#signals;
        return n + (signals === null ? 0 : signals.finished.count + signals.exception.count);
    }

    /** The `signals` of the InProgress, made on first use. */
    signals(): AnySignals {
        if (this.#signals === null) {
            const late = (signal: Signal<never>, action: 'connected' | 'disconnected') => {
                if (action === 'connected')
                    this.#lateConnect(signal as unknown as Signal<[unknown]>);
            };
            this.#signals = new Signals<{ finished: [result: unknown]; exception: [error: unknown]; abort: [error: InProgressAborted] }>({
                finished: new Signal<[unknown]>(late),
                exception: new Signal<[unknown]>(late),
                abort: new Signal<[InProgressAborted]>(),
            });
        }
        return this.#signals;
    }

    /** The signals if made yet (nothing is connected to them otherwise). */
    get madeSignals(): AnySignals | null {
        return this.#signals;
    }

    /** Emits `value` to every connection of `signal`, then cuts them; again for any made meanwhile. */
    #drain(signal: Signal<[unknown]>, value: unknown): void {
        this.#draining++;
        try {
            while (signal.count > 0) {
                const snapshot = [...signal];
                signal.emit(value);
                for (const c of snapshot)
                    signal.disconnect(c);
            }
        } finally {
            this.#draining--;
        }
    }

    /** The `changed` hook of `signals.finished`/`exception`: once ended, a new connection runs at once. */
    #lateConnect(signal: Signal<[unknown]>): void {
        if (!this.ended || this.#draining > 0 || this.#signals === null)
            return;
        const mine = this.failed ? this.#signals.exception : this.#signals.finished;
        if (signal !== mine) {
            signal.disconnectAll(); // it can never fire
            return;
        }
        takeFailure(this);
        this.#drain(signal, this.value);
    }
}
