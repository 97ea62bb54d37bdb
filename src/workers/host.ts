/**
 * The entry of a worker process (bundled to `dist/kaa-worker.js`):
 *
 *     /bin/sh -c 'exec 3>&1 1>&2 "$0" -m "$@"' gjs kaa-worker.js [--gobject] [--module URI]
 *
 * Frames arrive on fd 0 and leave on fd 3; fd 1 is the parent's stderr
 * pipe, so `print()` never corrupts the protocol. The worker runs its own
 * kaa main loop (the whole kaa API except GTK works in worker functions,
 * and `kaa.isMainthread()` is false) until its stdin reaches EOF — the
 * parent stopped it or died — then runs kaa's shutdown and exits 0. A
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
import { defer } from '../notifier/scheduler.js';
import { addIdle } from '../notifier/sources.js';
import { logException } from '../notifier/log.js';
import { unixInputStream, unixOutputStream } from '../notifier/platform.js';
import { Executor } from './executor.js';
import { RESOURCE_BOOT_HOOK } from './locate.js';
import { failMainCalls, setHostLink } from './main-calls.js';
import { encodeFrame, HELLO } from './protocol.js';
import { Transport } from './transport.js';

interface StartStop {
    start?: () => unknown;
    stop?: () => unknown;
}

Object.assign(globalThis, { kaa, GLib, Gio, GObject });

const argv = ARGV.slice();
const moduleAt = argv.indexOf('--module');
const moduleUri = moduleAt >= 0 ? argv[moduleAt + 1] : null;
const pid = Gio.Credentials.new().get_unix_pid();
let link: Transport | null = null;
let hooks: StartStop | null = null;
let exitStatus = 0;

function connect(): Transport {
    const executor = new Executor(frame => link?.send(frame) ?? false);
    const transport = new Transport(unixInputStream(0, true), unixOutputStream(3, true), {
        frame: message => executor.handle(message),
        closed: error => finish(error),
    }, { blockingWrites: true, readBurst: Infinity });
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
    (link as Transport | null)?.close();
    return exitStatus;
}

// Imported from a GResource by locate.ts's bootstrap script: this runs inside
// the import's promise job, so the script calls serve() from its top level.
const boot = (globalThis as Record<string, unknown>)[RESOURCE_BOOT_HOOK];
if (typeof boot === 'function')
    (boot as (run: () => void) => void)(() => system.exit(serve()));
else
    system.exit(serve());
