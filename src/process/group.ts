/**
 * Process groups: each child starts in a process group of its own, so that
 * `stop()` and the shutdown reach what it started (grandchildren) too.
 *
 * How: `Gio.Subprocess`/`Gio.SubprocessLauncher` (GLib 2.74 to 2.86) have
 * no flag for `setpgid()`/`setsid()`, and the only hook into the forked
 * child, `child_setup`, would run JS in the forked copy of the engine — GJS
 * cannot do that safely (and GLib then also falls back from `posix_spawn` to
 * `fork`). So something in the child must call `setsid()` before it execs
 * the program: kaa's exec helper (exec-helper.ts), which every child starts
 * through anyway, or — where the helper cannot run — util-linux's
 * `setsid PROGRAM ARGS…` (Essential on Debian, in util-linux(-core)
 * elsewhere; an extra exec that costs about as much as the spawn). As the new
 * child is never a group leader, `setsid()` succeeds in the same process:
 * the pid GLib reports is the program's, and its pgid equals it. The child
 * is then also the leader of a new session without a controlling terminal
 * (it no longer gets the terminal's Ctrl-C; kaa's own SIGINT handling stops
 * it).
 *
 * Either is used only when the program resolves to an executable file (else
 * the program is spawned directly, so a missing or non-executable program
 * fails `start()` with the OS error as before).
 *
 * Signalling a group: GJS has no `kill()`; `kill -s SIG -- -PGID` runs in
 * `/bin/sh` (its builtin), synchronously, so that nothing is left running.
 * The group's id cannot name another group while the child is unreaped (its
 * pid is taken) or while any member lives (Linux keeps a pgid's number while
 * it is in use).
 * @module
 */
import GLib from 'gi://GLib';
import { logException } from '../notifier/log.js';

let setsidPath: string | null | undefined;

/**
 * The absolute path of the program `argv[0]` names (searched in `PATH` when
 * it has no `/`, else taken relative to `cwd`), or null when it does not
 * resolve to an executable file — the spawn is then left to GLib, which
 * reports why.
 * @param program - argv[0].
 * @param cwd - the child's working directory, for a relative program path.
 * @returns the path, or null.
 * @example
 * resolveProgram('sleep', null); // '/usr/bin/sleep'
 */
export function resolveProgram(program: string, cwd: string | null): string | null {
    let path: string | null;
    if (program.includes('/')) {
        path = GLib.path_is_absolute(program) ? program : GLib.build_filenamev([cwd ?? GLib.get_current_dir(), program]);
        if (!GLib.path_is_absolute(path))
            path = GLib.build_filenamev([GLib.get_current_dir(), path]);
    } else {
        path = GLib.find_program_in_path(program);
        if (path === null)
            return null;
    }
    return GLib.file_test(path, GLib.FileTest.IS_EXECUTABLE) && !GLib.file_test(path, GLib.FileTest.IS_DIR) ? path : null;
}

/**
 * The argv that starts `argv` in a new process group through util-linux's
 * `setsid` (when the exec helper cannot be used, see exec-helper.ts), or
 * null when that is not possible here (no `setsid`, or a program that will
 * not run: the plain spawn then reports why).
 * @param argv - what to run.
 * @param cwd - the child's working directory, for a relative program path.
 * @returns the wrapped argv, or null.
 * @example
 * const wrapped = groupArgv(['sleep', '10'], null); // ['/usr/bin/setsid', 'sleep', '10']
 */
export function groupArgv(argv: readonly string[], cwd: string | null): string[] | null {
    if (setsidPath === undefined)
        setsidPath = GLib.find_program_in_path('setsid');
    if (setsidPath === null || resolveProgram(argv[0], cwd) === null)
        return null;
    // `--` would not do: util-linux setsid takes options only before the program.
    return argv[0].startsWith('-') ? null : [setsidPath, ...argv];
}

/**
 * Sends `signo` to every process of the groups `pgids` (best effort: a group
 * that has ended already is skipped).
 * @param pgids - the process group ids (each child's pid, when it was started in its own group).
 * @param signo - the signal number.
 * @example
 * signalGroups([child.pid], 15);
 */
export function signalGroups(pgids: readonly number[], signo: number): void {
    const ids = pgids.filter(id => Number.isInteger(id) && id > 1).map(id => `-${id}`);
    if (!ids.length)
        return;
    try {
        // The exit status is 1 when a group is gone: expected, not reported.
        GLib.spawn_sync(null, ['/bin/sh', '-c', `kill -s ${signo} -- "$@" 2>/dev/null; exit 0`, 'sh', ...ids], null,
            GLib.SpawnFlags.DEFAULT, null);
    } catch (error) {
        logException(error, `signalling the process groups ${ids.join(' ')} failed`);
    }
}
