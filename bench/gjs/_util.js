// Shared helpers of the GJS bench scripts (run under `gjs -m`): the clock,
// the process's CPU time and peak RSS, a seeded PRNG, and the one JSON line
// every script prints. Each script takes `kaa` or `raw` as its first argument.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';

const decoder = new TextDecoder();

/** Monotonic time in seconds. */
export function now() {
    return GLib.get_monotonic_time() / 1e6;
}

function readText(path) {
    try {
        const [ok, data] = GLib.file_get_contents(path);
        return ok ? decoder.decode(data) : '';
    } catch {
        return '';
    }
}

/**
 * CPU time (user + system) of the whole process in seconds: the sum of the
 * nanosecond run times in /proc/self/task/<tid>/schedstat over its threads
 * (finer than the 10 ms ticks of /proc/self/stat).
 */
export function cpuSeconds() {
    let ns = 0;
    const tasks = Gio.File.new_for_path('/proc/self/task')
        .enumerate_children('standard::name', Gio.FileQueryInfoFlags.NONE, null);
    for (let info = tasks.next_file(null); info !== null; info = tasks.next_file(null))
        ns += Number(readText(`/proc/self/task/${info.get_name()}/schedstat`).split(' ')[0]) || 0;
    tasks.close(null);
    return ns / 1e9;
}

/** Peak resident set size so far (VmHWM), in MiB. */
export function maxRssMiB() {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readText('/proc/self/status'));
    return m ? Number(m[1]) / 1024 : null;
}

/** `kaa` or `raw`, from the first argument; anything else throws. */
export function impl(...others) {
    const which = ARGV[0];
    if (which !== 'kaa' && which !== 'raw' && !others.includes(which))
        throw new Error(`first argument must be ${['kaa', 'raw', ...others].join(', ')}, not ${which}`);
    return which;
}

/** The integer argument at `index` (after kaa|raw), or `fallback`. */
export function intArg(index, fallback) {
    const v = ARGV[index];
    return v === undefined || v === '' ? fallback : Number.parseInt(v, 10);
}

/**
 * A seeded PRNG giving floats in [0, 1): xorshift32 scrambled by a
 * multiply, the same sequence for kaa and raw.
 */
export function seededRandom(seed) {
    let x = (seed >>> 0) || 0x9e3779b9;
    return () => {
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        return (Math.imul(x, 0x2545f491) >>> 0) / 4294967296;
    };
}

/** Prints the one JSON result line: scenario fields plus rate, runtime and RSS. */
export function report(fields) {
    const out = { ...fields };
    if (typeof out.seconds === 'number' && typeof out.ops === 'number' && out.seconds > 0)
        out.ops_per_s = Math.round(out.ops / out.seconds);
    const v = System.version;
    out.runtime = `gjs ${Math.floor(v / 10000)}.${Math.floor(v / 100) % 100}.${v % 100} glib ${GLib.MAJOR_VERSION}.${GLib.MINOR_VERSION}.${GLib.MICRO_VERSION}`;
    out.max_rss_mib = maxRssMiB();
    print(JSON.stringify(out));
}

/** Prints the failure as the JSON line and exits non-zero. */
export function fail(scenario, which, error) {
    print(JSON.stringify({ scenario, impl: which, error: `${error}${error?.stack ? `\n${error.stack}` : ''}` }));
    System.exit(1);
}
