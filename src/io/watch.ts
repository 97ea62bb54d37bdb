/**
 * `FdWatch`: the one GLib fd watch kaa's IO layer builds on (IOMonitor,
 * IOChannel, Socket), plus the fd checks they share.
 *
 * GJS 1.74 refuses every GLib→JS callback while an incremental GC is
 * sweeping, and GLib then removes the refused source: an fd watch can vanish
 * without its callback ever running (the data stays in the kernel, nothing is
 * lost, but nobody would read it). Every armed watch is therefore listed in
 * {@link armed}, and one check the loop runs after every kaa-driven iteration
 * (`addIterationCheck`) looks each one up by id (except one whose callback
 * ran in that iteration: it exists; a lookup makes a `GLib.Source`
 * wrapper, not free); a missing one is forgotten
 * (`forgetSource` also finishes the GC, so the new source is not refused
 * again) and armed anew. In a loop kaa does not drive (a host application's)
 * a dropped watch is re-armed after the next kaa callback the host runs.
 *
 * Watches may recurse (`g_source_set_can_recurse`): a callback that runs a
 * nested loop (`inprogress.wait()` in a read handler) still sees its own fd.
 *
 * SIGPIPE: a write to a pipe whose reader is gone kills the process unless
 * SIGPIPE is ignored. GIO ignores it when the GSocket class is first used;
 * {@link ignoreSigpipe} does just that once, so a broken pipe becomes an
 * `EPIPE` error (children spawned later inherit the ignored disposition, as
 * with any GIO program that uses sockets).
 * @module
 */
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gio from 'gi://Gio';
import { MAX_INT, checkRange } from '../notifier/check.js';
import { describeValue } from '../notifier/errors.js';
import { logException } from '../notifier/log.js';
import { addIterationCheck } from '../notifier/loop.js';
import { addFdWatch, forgetSource, removeSource, sourceExists } from '../notifier/sources.js';

const context = GLib.MainContext.default();
const armed = new Set<FdWatch>();
let removeCheck: (() => void) | null = null;

function verifyArmed(): void {
    for (const watch of armed)
        watch.verify();
}

/**
 * One fd watch: `fn(condition)` runs when the fd is ready; it returns
 * `false` to stop the watch. `start()`/`stop()` are harmless twice.
 * @internal
 */
export class FdWatch {
    /** The watched file descriptor. */
    readonly fd: number;
    /** The GLib condition watched (`IN`, `OUT`; HUP, ERR and NVAL are always reported). */
    readonly condition: GLib.IOCondition;
    readonly #fn: (condition: GLib.IOCondition) => boolean;
    readonly #kind: string;
    #id = 0;
    /** The GLib.Source of `#id` (a reference: asking it `is_destroyed()` makes no new wrapper). */
    #source: GLib.Source | null = null;
    #ran = false;

    /**
     * @param fd - the file descriptor.
     * @param condition - what to wait for.
     * @param fn - called with the ready condition; returns `false` to stop.
     * @param kind - the source kind in `main.statistics()` (`'io-monitor'`, `'io-read'` …).
     */
    constructor(fd: number, condition: GLib.IOCondition, fn: (condition: GLib.IOCondition) => boolean, kind: string) {
        this.fd = fd;
        this.condition = condition;
        this.#fn = fn;
        this.#kind = kind;
    }

    /** True while the watch is armed. */
    get active(): boolean {
        return this.#id !== 0;
    }

    /** The GLib source id (0 when not armed); for diagnostics and tests. */
    get sourceId(): number {
        return this.#id;
    }

    /** Arms the watch (a no-op when armed). */
    start(): void {
        if (this.#id)
            return;
        this.#arm();
        armed.add(this);
        removeCheck ??= addIterationCheck(verifyArmed);
    }

    /** Disarms the watch (a no-op when not armed). */
    stop(): void {
        if (!this.#id)
            return;
        removeSource(this.#id);
        this.#id = 0;
        this.#source = null;
        this.#unlist();
    }

    /**
     * Re-arms the watch if GJS dropped its source; called after every kaa
     * iteration. A watch whose callback ran since the last check exists (a
     * source dispatches once per iteration): no lookup.
     */
    verify(): void {
        const ran = this.#ran;
        this.#ran = false;
        if (!this.#id || ran || (this.#source ? !this.#source.is_destroyed() : sourceExists(this.#id)))
            return;
        forgetSource(this.#id);
        this.#arm();
    }

    #arm(): void {
        let id = 0;
        id = addFdWatch(this.fd, this.condition, condition => this.#dispatch(id, condition), GLib.PRIORITY_DEFAULT, this.#kind);
        this.#id = id;
        this.#source = context.find_source_by_id(id);
        this.#source?.set_can_recurse(true);
    }

    #unlist(): void {
        armed.delete(this);
        if (!armed.size && removeCheck) {
            removeCheck();
            removeCheck = null;
        }
    }

    #dispatch(id: number, condition: GLib.IOCondition): boolean {
        if (this.#id !== id)
            return false;
        this.#ran = true;
        let keep = false;
        try {
            keep = this.#fn(condition) !== false;
        } finally {
            if (!keep && this.#id === id) {
                this.#id = 0;
                this.#source = null;
                this.#unlist();
            }
        }
        return keep && this.#id === id;
    }
}

/**
 * The fd behind `value`: an integer >= 0, or an object whose `fileno()`
 * returns one.
 * @param value - what the caller passed.
 * @param what - the caller, for the message (`'IOMonitor.register()'`).
 * @returns the file descriptor.
 * @throws TypeError for anything else, naming the value; RangeError above 2**31 - 1 (a C int).
 * @internal
 */
export function toFd(value: unknown, what: string): number {
    let fd: unknown = value;
    const hasFileno = typeof value === 'object' && value !== null && typeof (value as { fileno?: unknown }).fileno === 'function';
    if (hasFileno)
        fd = (value as { fileno(): unknown }).fileno();
    if (typeof fd !== 'number' || !Number.isInteger(fd) || fd < 0) {
        throw new TypeError(`${what}: \`fd\` must be a file descriptor (an integer >= 0, or an object with a fileno() ` +
            `method returning one) (got ${describeValue(value)}${hasFileno ? ` whose fileno() returned ${describeValue(fd)}` : ''})`);
    }
    checkRange(what, 'fd', fd, 0, MAX_INT);
    return fd;
}

/**
 * Throws unless `fd` is an open file descriptor of this process. Probed by
 * duplicating it into a `Gio.UnixFDList` (and closing the copy at once).
 * @param fd - an integer >= 0.
 * @param what - the caller, for the message.
 * @throws Error naming the fd when it is not open.
 * @internal
 */
export function checkFdOpen(fd: number, what: string): void {
    const list = new Gio.UnixFDList();
    try {
        list.append(fd);
    } catch (error) {
        throw new Error(`${what}: fd ${fd} is not an open file descriptor (${(error as Error).message})`, { cause: error });
    }
    for (const copy of list.steal_fds())
        GLib.close(copy);
}

let sigpipeIgnored = false;

/**
 * Makes a write to a broken pipe fail with `EPIPE` instead of killing the
 * process, the way GIO does for sockets (by initializing the GSocket class).
 * @internal
 */
export function ignoreSigpipe(): void {
    if (sigpipeIgnored)
        return;
    sigpipeIgnored = true;
    GObject.TypeClass.ref(Gio.Socket.$gtype);
}

/** True for Gio's `WOULD_BLOCK` error. @internal */
export function isWouldBlock(error: unknown): boolean {
    return error instanceof GLib.Error && error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.WOULD_BLOCK);
}

/** True for Gio's `CANCELLED` error. @internal */
export function isCancelled(error: unknown): boolean {
    return error instanceof GLib.Error && error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);
}

/**
 * Closes a `Gio.Socket` kaa owns. A failure (its fd was closed behind kaa's
 * back: "Bad file descriptor") is logged, never thrown: the socket is gone
 * either way, and the caller is usually a watch callback or an abort that
 * must go on.
 * @param socket - the socket, or null (nothing to do).
 * @param what - who closes it, for the log line.
 * @internal
 */
export function closeSocket(socket: Gio.Socket | null, what: string): void {
    if (socket === null || socket.is_closed())
        return;
    try {
        socket.close();
    } catch (error) {
        logException(error, `${what}: closing a socket failed (was its fd closed by someone else?)`);
    }
}
