/**
 * The entry of a worker process (bundled to `dist/kaa-worker.js`):
 *
 *     /bin/sh -c 'exec 1>&2 "$0" -m "$@"' gjs kaa-worker.js [--gobject] [--module URI]
 *
 * Frames arrive and leave on fd 3, a Unix socket (io/link.ts); fd 1 is the
 * parent's stderr pipe, so `print()` never corrupts the protocol. The worker runs its own
 * kaa main loop (the whole kaa API except GTK works in worker functions,
 * and `kaa.isMainthread()` is false) until its link reaches EOF — the
 * parent stopped it or died — then runs kaa's shutdown and exits 0.
 *
 * Between calls, while nothing else is pending — no call running, no kaa
 * timer, deferred call or source besides the link and the signal handlers,
 * no `callMain()` awaited — the worker waits for the
 * next frame inside the link's dispatch (up to {@link IDLE_WAIT}) instead
 * of returning to the loop: a round trip then costs no loop iteration on
 * this side. A GLib source made behind kaa's back (a raw `timeout_add`) by
 * a function that returned may run up to that much late; the GObject
 * worker, whose loop runs GObjects between calls, never waits this way. A
 * malformed frame makes it exit with status 3 after saying why on stderr.
 *
 * With `--module URI` (the GObject worker) the module is imported first,
 * then HELLO is sent, then the module's `start()` (if any) is called; EOF
 * calls its `stop()`.
 *
 * The loop is started synchronously at the module's top level (never after
 * an `await`: GJS 1.74 could not run promise reactions inside it) — or, when
 * the host is in a GResource, from the top level of locate.ts's bootstrap
 * script, which imported it (see `RESOURCE_BOOTSTRAP`).
 * @module
 */
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import system from 'system';
import * as kaa from '../index.js';
import { coarseScheduler, defer, deferred, scheduler } from '../notifier/scheduler.js';
import { addIdle, liveSources } from '../notifier/sources.js';
import { logException } from '../notifier/log.js';
import { FrameLink } from '../io/link.js';
import { dupFd } from '../io/socket-pair.js';
import { Executor } from './executor.js';
import { RESOURCE_BOOT_HOOK } from './locate.js';
import { failMainCalls, pendingMainCalls, setHostLink } from './main-calls.js';
import { encodeFrame, FrameReader, HELLO, type Message } from './protocol.js';

/** The longest wait for the next frame inside a dispatch, in seconds. */
const IDLE_WAIT = 0.02;
/** The link's own fd watch and the signal handlers of kaa's loop: what may exist while the worker waits. */
const IDLE_KINDS = new Set(['io-read', 'unix-signal']);

interface StartStop {
    start?: () => unknown;
    stop?: () => unknown;
}

Object.assign(globalThis, { kaa, GLib, Gio, GObject });

const argv = ARGV.slice();
const moduleAt = argv.indexOf('--module');
const moduleUri = moduleAt >= 0 ? argv[moduleAt + 1] : null;
const pid = Gio.Credentials.new().get_unix_pid();
let link: FrameLink<Message> | null = null;
let hooks: StartStop | null = null;
let exitStatus = 0;

/**
 * Makes the link's fd close-on-exec, keeping its number (moved away and
 * back with {@link dupFd}, which dups close-on-exec to the lowest free fd),
 * so that no process this worker starts holds the link: its EOF tells the
 * main process at once that the worker is gone (process/supervisor.ts
 * probes a worker's exit only from then on).
 * @returns the fd (`fd` itself unless a lower one was free).
 */
function closeOnExec(fd: number): number {
    const moved = dupFd(fd);
    GLib.close(fd);
    const back = dupFd(moved);
    GLib.close(moved);
    return back;
}

function connect(): FrameLink<Message> {
    const executor = new Executor(frame => link?.send(frame) ?? false);
    // Whether nothing but the next frame can need this process now (see the module comment).
    const idleWait = (): number => {
        if (moduleUri !== null || executor.running || pendingMainCalls() || scheduler.size || coarseScheduler.size || deferred.size)
            return 0;
        const sources = liveSources();
        for (const kind in sources) {
            if (!IDLE_KINDS.has(kind) || (kind === 'io-read' && sources[kind] > 1))
                return 0;
        }
        return IDLE_WAIT;
    };
    const fd = closeOnExec(3);
    const transport = new FrameLink(fd, new FrameReader(), {
        frame: message => executor.handle(message),
        closed: error => finish(error),
    }, { blockingWrites: true, readBurst: Infinity, idleWait }, Gio.Socket.new_from_fd(fd));
    link = transport;
    setHostLink({ send: frame => transport.send(frame) });
    return transport;
}

function finish(error: Error | null): void {
    if (error) {
        printerr(`kaa worker ${pid}: ${error.message}; exiting`);
        exitStatus = 3;
    }
    failMainCalls(new Error('kaa worker: the link to the main process closed'));
    try {
        hooks?.stop?.();
    } catch (e) {
        logException(e, 'kaa worker: the module\'s stop() threw');
    }
    kaa.main.stop();
}

function startWithModule(uri: string): void {
    // start() may run a loop of its own: it gets an idle source of its own
    // (not kaa's deferred queue, which would stay blocked while it runs).
    (import(uri) as Promise<StartStop>).then(ns => addIdle(() => {
        hooks = ns;
        connect().send(encodeFrame([HELLO, pid, null], null));
        if (typeof ns.start === 'function')
            ns.start();
        return false;
    }, GLib.PRIORITY_DEFAULT, 'worker-start'), error => defer(() => {
        const message = `cannot import ${uri}: ${(error as Error)?.message ?? String(error)}`;
        printerr(`kaa worker ${pid}: ${message}`);
        connect().send(encodeFrame([HELLO, pid, message], null));
        exitStatus = 4;
        kaa.main.stop();
    }));
}

/** Serves calls until the link closes; returns the exit status. */
function serve(): number {
    if (moduleUri)
        defer(() => startWithModule(moduleUri));
    else
        connect().send(encodeFrame([HELLO, pid, null], null));
    kaa.main.run();
    (link as FrameLink<Message> | null)?.close();
    return exitStatus;
}

// Imported from a GResource by locate.ts's bootstrap script: this runs inside
// the import's promise job, so the script calls serve() from its top level.
const boot = (globalThis as Record<string, unknown>)[RESOURCE_BOOT_HOOK];
if (typeof boot === 'function')
    (boot as (run: () => void) => void)(() => system.exit(serve()));
else
    system.exit(serve());
