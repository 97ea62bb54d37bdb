/**
 * `FdWatch`: the one GLib fd watch kaa's IO layer builds on (IOMonitor,
 * IOChannel, Socket), plus the fd checks they share.
 *
 * GJS 1.74 refuses every GLib→JS callback while an incremental GC is
 * sweeping, and GLib then removes the refused source: an fd watch can vanish
 * without its callback ever running (the data stays in the kernel, nothing is
 * lost, but nobody would read it). The watch is a notifier `Source`
 * (notifier/source.ts), which the loop's re-arm phase looks up after every
 * iteration and arms anew when it is gone. In a loop kaa does not drive (a
 * host application's) the phase runs after the next kaa callback the host runs.
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
import { Source } from '../notifier/source.js';
import { addFdWatch } from '../notifier/sources.js';

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
    readonly #source: Source<[GLib.IOCondition]>;

    /**
     * @param fd - the file descriptor.
     * @param condition - what to wait for.
     * @param fn - called with the ready condition; returns `false` to stop.
     * @param kind - the source kind in `main.statistics()` (`'io-monitor'`, `'io-read'` …).
     */
    constructor(fd: number, condition: GLib.IOCondition, fn: (condition: GLib.IOCondition) => boolean, kind: string) {
        this.fd = fd;
        this.condition = condition;
        this.#source = new Source<[GLib.IOCondition]>({
            kind,
            recurse: true,
            attach: (dispatch, k) => addFdWatch(fd, condition, dispatch, GLib.PRIORITY_DEFAULT, k),
            callback: cond => fn(cond) !== false,
        });
    }

    /** True while the watch is armed. */
    get active(): boolean {
        return this.#source.active;
    }

    /** The GLib source id (0 when not armed); for diagnostics and tests. */
    get sourceId(): number {
        return this.#source.id;
    }

    /** Arms the watch (a no-op when armed). */
    start(): void {
        this.#source.start();
    }

    /** Disarms the watch (a no-op when not armed). */
    stop(): void {
        this.#source.stop();
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
