// The gjs side of the spec runner: runs ONE bundled spec file under
// jasmine-core 5.x and reports every event as a JSON line on the fd named by
// KAA_RUNNER_EVENTS_FD (4: Debian 13's xvfb-run closes fd 3 for its command).
//
//   gjs -m test/runner/host.js BUNDLE.js [--timeout MS] [--filter REGEX]
//
// GJS 1.74 rules this file follows (DESIGN.md §1, GJS-NOTES §3.3):
// - the GLib main loop is started synchronously at module top level, never
//   from a promise continuation, and the spec bundle is imported from a GLib
//   callback;
// - jasmine's `clearStack` runs through `queueMicrotask`, which is shimmed
//   here as a GLib idle callback, so specs start from GLib callbacks and may
//   run nested kaa loops (`wait()`, `main.loop()`) synchronously;
// - events go through a synchronous Gio stream on that fd, so nothing is lost
//   if the process is killed by the orchestrator's watchdog. The stream class
//   is GioUnix.OutputStream where GLib has it (2.80+), else the older
//   Gio.UnixOutputStream, whose name warns as deprecated on newer GJS.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import system from 'system';

const args = ARGV.slice();
const bundle = args.shift();
let timeoutMs = 20000;
let filter = null;
while (args.length) {
    const opt = args.shift();
    if (opt === '--timeout')
        timeoutMs = Number(args.shift());
    else if (opt === '--filter')
        filter = new RegExp(args.shift());
    else
        throw new Error(`host.js: unknown option ${opt}`);
}

function unixOutputStream() {
    try {
        return imports.gi.GioUnix.OutputStream;
    } catch {
        return Gio.UnixOutputStream;
    }
}
const eventsFd = Number(GLib.getenv('KAA_RUNNER_EVENTS_FD') ?? 3);
const events = new (unixOutputStream())({ fd: eventsFd, close_fd: false });
const encoder = new TextEncoder();
function send(event) {
    events.write_all(encoder.encode(`${JSON.stringify(event)}\n`), null);
}

// The two shims jasmine-core 5 needs on GJS 1.74.
const errorListeners = new Set();
globalThis.queueMicrotask = fn => {
    GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
        fn();
        return GLib.SOURCE_REMOVE;
    });
};
globalThis.addEventListener = (type, listener) => {
    if (type === 'error')
        errorListeners.add(listener);
};
globalThis.removeEventListener = (type, listener) => {
    if (type === 'error')
        errorListeners.delete(listener);
};

const jasmineDir = GLib.build_filenamev([
    GLib.path_get_dirname(GLib.filename_from_uri(import.meta.url)[0]),
    '..', '..', 'node_modules', 'jasmine-core', 'lib', 'jasmine-core',
]);
imports.searchPath.unshift(jasmineDir);
const jasmineRequire = imports.jasmine.getJasmineRequireObj();
imports.searchPath.shift();

const jasmine = jasmineRequire.core(jasmineRequire);
const env = jasmine.getEnv();
env.configure({
    random: false,
    specFilter: spec => !filter || filter.test(spec.getFullName()),
});
jasmine.DEFAULT_TIMEOUT_INTERVAL = timeoutMs;
Object.assign(globalThis, jasmineRequire.interface(jasmine, env));

// jasmine 5 runs spec bodies from promise continuations (its runner is
// async), where a blocking GLib loop cannot run promise reactions on GJS 1.74.
// A synchronous spec or hook body is therefore started from a GLib idle
// callback instead, so it may drive nested kaa loops (`main.loop()`, `wait()`).
// Async bodies and `done`-style bodies run as jasmine calls them.
function fromGLibCallback(fn) {
    if (typeof fn !== 'function' || fn.length > 0 || fn.constructor.name === 'AsyncFunction')
        return fn;
    const wrapped = function (done) {
        GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
            let result;
            try {
                result = fn.call(this);
            } catch (error) {
                done.fail(error);
                return GLib.SOURCE_REMOVE;
            }
            if (result && typeof result.then === 'function')
                result.then(() => done(), error => done.fail(error));
            else
                done();
            return GLib.SOURCE_REMOVE;
        });
    };
    return wrapped;
}
for (const name of ['it', 'fit', 'beforeEach', 'afterEach', 'beforeAll', 'afterAll']) {
    const original = globalThis[name];
    globalThis[name] = (...args) => original(...args.map(a => fromGLibCallback(a)));
}

const failuresOf = result => (result.failedExpectations ?? []).map(f => ({
    message: f.message,
    stack: f.stack ?? '',
}));

let failed = false;
env.addReporter({
    jasmineStarted: info => send({ type: 'start', total: info.totalSpecsDefined }),
    specStarted: result => send({ type: 'specStarted', name: result.fullName }),
    specDone: result => {
        // Finish any incremental GC between specs: GJS 1.74 refuses every
        // callback into JS while one is in progress, and the runner's own
        // GLib callbacks (the next spec's start) would be dropped too.
        system.gc();
        if (result.status === 'failed')
            failed = true;
        send({
            type: 'specDone',
            name: result.fullName,
            status: result.status,
            failures: failuresOf(result),
            ms: result.duration ?? null,
        });
    },
    suiteDone: result => {
        if (result.failedExpectations?.length) {
            failed = true;
            send({ type: 'suiteError', name: result.fullName, failures: failuresOf(result) });
        }
    },
    jasmineDone: result => {
        if (result.failedExpectations?.length) {
            failed = true;
            send({ type: 'suiteError', name: 'top level', failures: failuresOf(result) });
        }
        send({ type: 'done', status: result.overallStatus, reason: result.incompleteReason ?? null });
        GLib.idle_add(GLib.PRIORITY_LOW, () => {
            loop.quit();
            return GLib.SOURCE_REMOVE;
        });
    },
});

// A heartbeat while the loop turns: the orchestrator's stall watchdog then
// measures how long the loop has not turned, so a spec with a long timeout
// that waits on a child (npm install, say) is not taken for a stall, and a
// blocked loop still is.
GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, 10, () => {
    send({ type: 'heartbeat' });
    return GLib.SOURCE_CONTINUE;
});
const loop = new GLib.MainLoop(null, false);
GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
    if (!GLib.path_is_absolute(bundle)) {
        printerr(`host.js: the bundle path must be absolute (got ${bundle})`);
        system.exit(2);
    }
    import(GLib.filename_to_uri(bundle, null)).then(
        () => GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
            env.execute();
            return GLib.SOURCE_REMOVE;
        }),
        error => {
            globalThis.describe(GLib.getenv('KAA_SPEC_FILE') ?? GLib.path_get_basename(bundle), () => {
                globalThis.it('did not import correctly', () => {
                    throw error;
                });
            });
            env.execute();
        });
    return GLib.SOURCE_REMOVE;
});
loop.run();
system.exit(failed ? 1 : 0);
