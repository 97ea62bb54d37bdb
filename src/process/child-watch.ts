/**
 * `watchChild(pid)`: an InProgress of the exit code of a child process that
 * something else spawned (`GLib.spawn_async` with `DO_NOT_REAP_CHILD`, a
 * `Gio.Subprocess`-free launcher), on a GLib child watch.
 *
 * The GLib facts this file handles, once:
 * - reaping: GLib's child watch calls `waitpid()` in its worker thread and
 *   hands the raw wait status to the main context; nobody else may wait for
 *   that pid, and there must be one watch per pid (POSIX: the second one
 *   never fires). After the callback the pid is released with
 *   `GLib.spawn_close_pid` (a no-op on Unix, required by the API);
 * - the status is a raw `waitpid()` status (exit 3 is 768): it is decoded
 *   here into kaa's exit code, the exit status, or minus the signal number
 *   that killed the child (as Python's `Popen.returncode`);
 * - GJS 1.74 refuses every GLib→JS callback during an incremental GC, and
 *   GLib then destroys the child watch source (a child watch never fires
 *   twice): the status is gone. The watch is a notifier `Source` whose
 *   `lost` callback (run by the loop's re-arm phase) fails the InProgress
 *   with an Error saying so, instead of leaving it pending forever.
 * Processes started with `kaa.Process` do not use this: `Gio.Subprocess`
 * reaps its own children (see supervisor.ts).
 * @module
 */
import GLib from 'gi://GLib';
import { MAX_INT, checkRange } from '../notifier/check.js';
import { describeValue } from '../notifier/errors.js';
import { Source } from '../notifier/source.js';
import { addChildWatch } from '../notifier/sources.js';
import { InProgress, onAbort } from '../async/inprogress.js';

/**
 * Decodes a raw `waitpid()` status into kaa's exit code: the exit status of
 * a child that exited, or minus the number of the signal that killed it.
 * @param status - the raw wait status (as a GLib child watch reports it).
 * @returns the exit code (0–255), or -signo.
 * @throws TypeError when `status` is not an integer.
 * @example
 * decodeWaitStatus(768); // 3
 * decodeWaitStatus(9);   // -9 (SIGKILL)
 */
export function decodeWaitStatus(status: number): number {
    if (!Number.isInteger(status))
        throw new TypeError(`decodeWaitStatus(): \`status\` must be an integer (got ${describeValue(status)})`);
    const low = status & 0x7f;
    if (low === 0)
        return (status >> 8) & 0xff;   // WIFEXITED: WEXITSTATUS
    if (low !== 0x7f)
        return -low;                   // WIFSIGNALED: -WTERMSIG
    return -((status >> 8) & 0xff);    // WIFSTOPPED (never from a child watch): -WSTOPSIG
}

/**
 * Watches a child process spawned elsewhere and finishes with its exit code
 * once it has exited: the exit status, or minus the signal that killed it.
 * The child must have been spawned with `GLib.SpawnFlags.DO_NOT_REAP_CHILD`
 * and must not be waited for by anything else; kaa reaps it. Aborting the
 * InProgress removes the watch (the child is then no longer reaped by kaa).
 * @param pid - the child's process id.
 * @returns an InProgress of the exit code.
 * @throws TypeError when `pid` is not a positive integer; RangeError above 2**31 - 1.
 * @example
 * const [, pid] = GLib.spawn_async(null, ['sleep', '1'], null,
 *     GLib.SpawnFlags.SEARCH_PATH | GLib.SpawnFlags.DO_NOT_REAP_CHILD, null);
 * const code = await kaa.watchChild(pid); // 0
 */
export function watchChild(pid: number): InProgress<number> {
    if (!Number.isInteger(pid) || pid <= 0)
        throw new TypeError(`watchChild(): \`pid\` must be a positive integer (got ${describeValue(pid)})`);
    checkRange('watchChild()', 'pid', pid, 1, MAX_INT);
    const ip = new InProgress<number>({ name: `watchChild(${pid})` });
    const source = new Source<[number]>({
        kind: 'child-watch',
        attach: (dispatch, kind) => addChildWatch(pid, status => dispatch(status), GLib.PRIORITY_DEFAULT, kind),
        callback: status => {
            GLib.spawn_close_pid(pid);
            if (!ip.finished)
                ip.finish(decodeWaitStatus(status));
            return false;
        },
        // GLib reaped the child, and GJS refused the callback with its status: say so rather than wait forever.
        lost: () => ip.throw(new Error(`watchChild(${pid}): the exit status was lost: GJS refused the child-watch ` +
            'callback (it does during a garbage collection) after GLib had reaped the child')),
    });
    source.start();
    onAbort(ip as InProgress<unknown>, () => source.stop());
    return ip;
}
