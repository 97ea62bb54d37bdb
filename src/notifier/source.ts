/**
 * The one source lifecycle: every GLib source kaa keeps armed (the
 * schedulers' timeouts, the deferred queue's idle, fd watches, child
 * watches) is a {@link Source}, and every GIO async call whose completion
 * callback kaa waits for (a child's `wait_async`, a TLS handshake, an async
 * read) is watched by a {@link Probe}. Both have the same life: `start()`,
 * `stop()` (each harmless twice), `active`, and a `kind` — the name the
 * source counts under in `main.statistics().sources`.
 *
 * Why this file exists: GJS 1.74 to 1.80 refuse every GLib→JS callback
 * while an incremental GC is sweeping, and GLib then removes the source
 * whose callback was refused (a GIO completion is lost the same way). The
 * source is simply gone, with no callback and no error. ONE phase of the
 * loop iteration, {@link rearmDropped} (run by iteration.ts after GLib
 * dispatched), walks every started source and probe:
 * - a `Source` looks itself up by id; a missing one is forgotten
 *   (`forgetSource` also finishes the GC, so the new source is not refused
 *   again and again) and armed anew — or, for a source that cannot be armed
 *   again (a child watch: GLib reaped the child, the status is gone), its
 *   `lost` callback says so to its owner;
 * - a `Probe` runs its `check`, which asks GIO whether the operation ended
 *   without its callback (and then finishes it).
 * No other code re-arms anything. A look-up by id costs ~1.2 µs and makes
 * a `GLib.Source` wrapper; the source found is kept, and later checks ask it
 * `is_destroyed()` (~0.3 µs, no allocation) until the source is stopped. A
 * source that knows it is fine (a scheduler whose deadline is not overdue
 * yet) says so with `suspect` and is not looked up. GJS 1.81.90 fixed the refusals, but
 * no probe can tell safely at start-up (docs/gjs-versions.md), so the phase
 * runs on every version.
 *
 * A source's callback returns true to keep the source, false to end it
 * (then `active` is false); an owner that re-aims a source (stop, then
 * start) from inside its own callback gets the new one kept and the old one
 * removed.
 */
import GLib from 'gi://GLib';
import { allowDropGc, forgetSource, removeSource, reportException } from './sources.js';

/** What the re-arm phase walks. */
interface Recoverable {
    recover(): void;
}

const started = new Set<Recoverable>();
const context = GLib.MainContext.default();

/** How a {@link Source} is made. */
export interface SourceSpec<A extends unknown[]> {
    /** The kind it counts under in `main.statistics().sources` (`'timers'`, `'fd'` …). */
    readonly kind: string;
    /**
     * Adds the GLib source (through sources.ts, passing `kind`) with
     * `dispatch` as its callback, and returns its id.
     */
    attach(dispatch: (...args: A) => boolean, kind: string): number;
    /** The owner's callback: returns true to keep the source. Exceptions go to sources.ts's `reportException`. */
    callback(...args: A): boolean;
    /**
     * Called instead of re-arming when GJS dropped the source, for a source
     * that cannot come back (a child watch); the source is stopped then.
     */
    lost?(): void;
    /**
     * Whether the re-arm phase should look the source up now (default:
     * always). A scheduler looks only once its deadline is overdue.
     */
    suspect?(): boolean;
    /** Lets a nested loop started from the callback dispatch the source again (`g_source_set_can_recurse`). */
    readonly recurse?: boolean;
}

/**
 * One GLib source with kaa's lifecycle: start/stop/active, its kind, and
 * re-arming after GJS dropped it (see the module doc).
 * @internal
 */
export class Source<A extends unknown[] = []> implements Recoverable {
    /** The kind it counts under in `main.statistics().sources`. */
    readonly kind: string;
    readonly #spec: SourceSpec<A>;
    #id = 0;
    /** The GLib source of `#id`, once looked up (kept: asking it is cheaper than a look-up by id). */
    #handle: GLib.Source | null = null;

    /** @param spec - how to attach it, its callback and what to do when it is lost. */
    constructor(spec: SourceSpec<A>) {
        this.kind = spec.kind;
        this.#spec = spec;
    }

    /** True while the source is armed. */
    get active(): boolean {
        return this.#id !== 0;
    }

    /** The GLib source id (0 when not armed); for diagnostics and tests. */
    get id(): number {
        return this.#id;
    }

    /** Arms the source (a no-op when armed). */
    start(): void {
        if (this.#id)
            return;
        let id = 0;
        id = this.#spec.attach((...args: A) => this.#dispatch(id, args), this.kind);
        this.#id = id;
        this.#handle = null;
        if (this.#spec.recurse) {
            this.#handle = context.find_source_by_id(id);
            this.#handle?.set_can_recurse(true);
        }
        started.add(this);
    }

    /** Disarms the source (a no-op when not armed). */
    stop(): void {
        if (!this.#id)
            return;
        removeSource(this.#id);
        this.#id = 0;
        this.#handle = null;
        started.delete(this);
    }

    /**
     * Forgets the source while its callback runs, without removing it: GLib
     * never dispatches a dispatching source again, so a nested loop needs a
     * fresh one (`start()`); the old one ends when its callback returns.
     */
    detach(): void {
        this.#id = 0;
        this.#handle = null;
        started.delete(this);
    }

    /** The re-arm phase: re-arms the source (or reports it lost) if GJS dropped it. */
    recover(): void {
        const id = this.#id;
        if (!id || (this.#spec.suspect && !this.#spec.suspect()))
            return;
        if (this.#handle === null)
            this.#handle = context.find_source_by_id(id);
        if (this.#handle !== null && !this.#handle.is_destroyed())
            return;
        forgetSource(id);
        this.#id = 0;
        this.#handle = null;
        started.delete(this);
        if (this.#spec.lost)
            this.#spec.lost();
        else
            this.start();
    }

    #dispatch(id: number, args: A): boolean {
        let keep = false;
        try {
            keep = this.#spec.callback(...args) === true;
        } finally {
            if (!keep && this.#id === id) {
                this.#id = 0;
                this.#handle = null;
                started.delete(this);
            }
        }
        return keep && this.#id === id;
    }
}

/**
 * Watches a GIO async call whose completion callback GJS may refuse during
 * a GC: while started, `check` runs in the re-arm phase of every iteration
 * and finishes the operation if GIO says it ended without a callback.
 * @internal
 */
export class Probe implements Recoverable {
    /** What it watches, for diagnostics (`'child-exits'`, `'tls-handshake'` …). */
    readonly kind: string;
    readonly #check: () => void;

    /**
     * @param kind - what it watches.
     * @param check - looks at the operation; called once per iteration while started.
     */
    constructor(kind: string, check: () => void) {
        this.kind = kind;
        this.#check = check;
    }

    /** True while started. */
    get active(): boolean {
        return started.has(this);
    }

    /** Starts checking (a no-op when started). */
    start(): void {
        started.add(this);
    }

    /** Stops checking (a no-op when stopped). */
    stop(): void {
        started.delete(this);
    }

    /** The re-arm phase: runs the check. */
    recover(): void {
        this.#check();
    }
}

/**
 * The re-arm phase of a loop iteration (iteration.ts): every started
 * {@link Source} GJS dropped is re-armed (or reported lost), every started
 * {@link Probe} checks its operation. The one place kaa recovers from GJS
 * refusing a callback.
 */
export function rearmDropped(): void {
    allowDropGc();
    for (const s of started) {
        try {
            s.recover();
        } catch (error) {
            reportException(error, 'the re-arm phase');
        }
    }
}
