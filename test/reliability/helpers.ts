// Shared helpers of the reliability specs: a seeded PRNG, RSS after a forced
// GC, /proc checks for processes, the monotonic clock without touching kaa's
// cached one, and a line printer that also lands in the runner's output.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import system from 'system';
import { setWorkerHost } from '../../src/workers/locate.js';

/** The repository root (set by the runner). */
export const ROOT = GLib.getenv('KAA_ROOT') ?? GLib.get_current_dir();

// The spec bundles live in build/test/: workers run the host `npm test` built.
setWorkerHost(`${ROOT}/dist/kaa-worker.js`);

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence. */
export function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6D2B79F5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** The seed to use: `KAA_SEED` from the environment when set, else a fresh one. */
export function chooseSeed(): number {
    const fromEnv = GLib.getenv('KAA_SEED');
    if (fromEnv !== null && /^\d+$/.test(fromEnv))
        return Number(fromEnv);
    return Math.floor(Math.random() * 2 ** 31);
}

/** Monotonic seconds straight from GLib (kaa's own `now()` cache is left alone). */
export function mono(): number {
    return GLib.get_monotonic_time() / 1e6;
}

/**
 * Prints a measurement line (the runner shows a spec file's output only when
 * it fails) and appends it to build/test/reliability.log, which keeps the
 * figures of passing runs.
 */
export function report(line: string): void {
    const text = `[reliability] ${line}`;
    print(text);
    try {
        const file = Gio.File.new_for_path(`${ROOT}/build/test/reliability.log`);
        const stream = file.append_to(Gio.FileCreateFlags.NONE, null);
        stream.write_all(new TextEncoder().encode(`${new Date().toISOString()} ${text}\n`), null);
        stream.close(null);
    } catch {
        // the log is a convenience; the printed line is the record
    }
}

/** VmRSS of this process in KiB, from /proc/self/status. */
export function rssKiB(): number {
    const [, bytes] = GLib.file_get_contents('/proc/self/status');
    const m = /VmRSS:\s+(\d+) kB/.exec(new TextDecoder().decode(bytes));
    if (!m)
        throw new Error('no VmRSS line in /proc/self/status');
    return Number(m[1]);
}

/** RSS in KiB after a forced full garbage collection. */
export function rssAfterGc(): number {
    system.gc();
    system.gc();
    // SpiderMonkey gives freed GC chunks back from a helper thread, just after the GC.
    GLib.usleep(50000);
    return rssKiB();
}

/** True while `pid` names a process that is not a zombie (a zombie is dead, only not reaped). */
export function pidAlive(pid: number): boolean {
    try {
        const [ok, bytes] = GLib.file_get_contents(`/proc/${pid}/stat`);
        if (!ok)
            return false;
        // "pid (comm) S ...": the state letter follows the last ')'.
        const text = new TextDecoder().decode(bytes);
        const state = text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3);
        return state !== 'Z' && state !== 'X';
    } catch {
        return false;
    }
}

/** True while `/proc/<pid>` exists at all (alive or a zombie not yet reaped). */
export function pidExists(pid: number): boolean {
    return GLib.file_test(`/proc/${pid}`, GLib.FileTest.EXISTS);
}

/** The names in a directory (GLib.Dir is not usable from GJS 1.74); [] when it is gone. */
export function listDir(path: string): string[] {
    const names: string[] = [];
    try {
        const e = Gio.File.new_for_path(path).enumerate_children('standard::name', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
        for (let info = e.next_file(null); info !== null; info = e.next_file(null))
            names.push(info.get_name());
        e.close(null);
    } catch {
        // gone meanwhile
    }
    return names;
}

/** Sends `signo` to `pid`, ignoring a process that is already gone. */
export function kill(pid: number, signo: number): void {
    GLib.spawn_command_line_sync(`kill -${signo} ${pid}`);
}
