/**
 * A Process's command line and how it is spawned.
 *
 * - No shell unless asked: a string command is split with
 *   `GLib.shell_parse_argv` (shell quoting is honoured, but `;`, `$VAR`,
 *   globs and redirections are plain text); an array is used as it is.
 *   `shell: true` runs a string with `/bin/sh -c`.
 * - `Gio.Subprocess` searches `PATH` for a program name without a `/`.
 * - `cwd`/`env` need a `Gio.SubprocessLauncher` (which starts from the
 *   parent's environment: `env` is merged into it, `null` unsets a name);
 *   without them `Gio.Subprocess.new` is used. The child always gets three
 *   pipes and no other fd of the parent, and SIGPIPE at its default
 *   disposition (kaa ignores it): the exec helper (exec-helper.ts) sees to
 *   both in the child, or, where it cannot run, GLib's fork path does.
 * - A program that cannot be run makes the spawn throw a `GLib.Error` (ENOENT,
 *   EACCES, a bad `cwd`); the caller fails `start()`'s InProgress with it.
 * @module
 */
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { describeValue } from '../notifier/errors.js';
import { disableExecHelper, execHelper, helperArgv } from './exec-helper.js';
import { groupArgv, resolveProgram } from './group.js';

const FLAGS = Gio.SubprocessFlags.STDIN_PIPE | Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE;

/** What the Process constructor checked: the command and where/how to run it. */
export interface Command {
    /** The argv prefix, or the shell command line with `shell: true`. */
    readonly cmd: readonly string[] | string;
    readonly cwd: string | null;
    readonly env: Readonly<Record<string, string | null>> | null;
    /** Start the child in a process group of its own (group.ts). */
    readonly processGroup: boolean;
}

/**
 * Splits a command line like a shell would, without running one.
 * @param what - the caller, for the message.
 * @param text - the command line.
 * @returns the words (none for a blank line).
 * @throws TypeError when the line cannot be split (an unbalanced quote).
 * @example
 * parseArgv('Process', "printf '%s\\n' 'a b'"); // ['printf', '%s\\n', 'a b']
 */
export function parseArgv(what: string, text: string): string[] {
    if (text.trim() === '')
        return [];
    try {
        return GLib.shell_parse_argv(text)[1] ?? [];
    } catch (error) {
        throw new TypeError(`${what}: cannot split ${describeValue(text)}: ${(error as GLib.Error).message}`, { cause: error });
    }
}

function requireStrings(what: string, argv: readonly unknown[]): string[] {
    for (let i = 0; i < argv.length; i++) {
        if (typeof argv[i] !== 'string')
            throw new TypeError(`${what}: argument ${i} must be a string (got ${describeValue(argv[i])})`);
    }
    return argv as string[];
}

/**
 * An environment name the OS can carry: not empty, no `=` (the separator of
 * `NAME=value`; GLib refuses it with a critical and sets nothing) and no NUL
 * (which would end the name early and set another variable).
 */
function checkEnvName(name: string): void {
    let why: string | null = null;
    if (name === '')
        why = 'must not be empty';
    else if (name.includes('='))
        why = 'must not contain "="';
    else if (name.includes('\0'))
        why = 'must not contain a NUL character';
    if (why !== null)
        throw new TypeError(`Process: \`env\` name ${describeValue(name)} ${why}`);
}

/**
 * Checks the command and the `shell`, `cwd` and `env` options of a Process.
 * @param cmd - a string or an array of strings.
 * @param shell - run a string with `/bin/sh -c`.
 * @param cwd - the working directory, or null.
 * @param env - variables to merge into the parent's environment, or null.
 * @returns the checked command.
 * @throws TypeError naming the bad value (`shell: true` with an array included; an
 *   `env` name that is empty or holds `=` or NUL; an `env` value that holds NUL).
 * @example
 * const command = checkCommand('ls -l', false, null, { LC_ALL: 'C' });
 */
export function checkCommand(cmd: unknown, shell: unknown, cwd: unknown, env: unknown, processGroup: unknown = true): Command {
    if (typeof shell !== 'boolean')
        throw new TypeError(`Process: \`shell\` must be a boolean (got ${describeValue(shell)})`);
    if (typeof processGroup !== 'boolean')
        throw new TypeError(`Process: \`processGroup\` must be a boolean (got ${describeValue(processGroup)})`);
    let checked: readonly string[] | string;
    if (typeof cmd === 'string') {
        checked = shell ? cmd : parseArgv('Process', cmd);
    } else if (Array.isArray(cmd)) {
        if (shell)
            throw new TypeError(`Process: \`shell: true\` needs a string command, not an array (got ${describeValue(cmd)}); ` +
                'pass the array without `shell` — no shell is needed for an argv');
        checked = requireStrings('Process', cmd).slice();
    } else {
        throw new TypeError(`Process: \`cmd\` must be a string or an array of strings (got ${describeValue(cmd)})`);
    }
    if (cwd !== null && typeof cwd !== 'string')
        throw new TypeError(`Process: \`cwd\` must be a string or null (got ${describeValue(cwd)})`);
    if (env === null)
        return { cmd: checked, cwd, env: null, processGroup };
    if (typeof env !== 'object' || Array.isArray(env))
        throw new TypeError(`Process: \`env\` must be an object or null (got ${describeValue(env)})`);
    for (const [name, value] of Object.entries(env)) {
        checkEnvName(name);
        if (value !== null && typeof value !== 'string')
            throw new TypeError(`Process: \`env.${name}\` must be a string or null (got ${describeValue(value)})`);
        if (value !== null && value.includes('\0'))
            throw new TypeError(`Process: \`env\` value of ${describeValue(name)} must not contain a NUL character ` +
                `(got ${describeValue(value)}); the OS would cut it there`);
    }
    return { cmd: checked, cwd, env: { ...env as Record<string, string | null> }, processGroup };
}

/**
 * The argv of one start: the command followed by `args`.
 * @param command - the checked command.
 * @param args - a string (split like the command; appended to the shell line with `shell: true`) or strings.
 * @returns the argv.
 * @throws TypeError for bad arguments or an empty command line.
 * @example
 * buildArgv(command, '-l /tmp');
 */
export function buildArgv(command: Command, args: unknown): string[] {
    let argv: string[];
    const { cmd } = command;
    if (typeof cmd === 'string') {
        if (typeof args !== 'string' && !(Array.isArray(args) && args.length === 0))
            throw new TypeError(`Process.start(): with \`shell: true\`, \`args\` must be a string (got ${describeValue(args)})`);
        const line = typeof args === 'string' && args !== '' ? `${cmd} ${args}` : cmd;
        argv = line.trim() === '' ? [] : ['/bin/sh', '-c', line];
    } else if (typeof args === 'string') {
        argv = [...cmd, ...parseArgv('Process.start()', args)];
    } else if (Array.isArray(args)) {
        argv = args.length ? cmd.concat(requireStrings('Process.start()', args)) : cmd as string[]; // never changed: shared
    } else {
        throw new TypeError(`Process.start(): \`args\` must be a string or an array of strings (got ${describeValue(args)})`);
    }
    if (argv.length === 0 || argv[0] === '')
        throw new TypeError(`Process.start(): the command line is empty (argv ${describeValue(argv)}); name a program to run`);
    return argv;
}

/** A spawned child, and whether it leads a process group of its own (its pgid is its pid). */
export interface Spawned {
    readonly subprocess: Gio.Subprocess;
    readonly group: boolean;
}

/**
 * Spawns `argv` with three pipes, in `cwd` and with `env` merged into the
 * parent's environment; in a process group of its own when
 * `command.processGroup` asks. Through the exec helper where it can run
 * (`posix_spawn`, the helper closes every fd but 0–2 and sets up the
 * group), else through GLib's fork path (GLib closes the fds; group.ts's
 * `setsid` wrapper makes the group).
 * @param command - the checked command (for `cwd`, `env` and `processGroup`).
 * @param argv - what to run.
 * @returns the running subprocess, and whether it has its own group.
 * @throws the `GLib.Error` of a failed spawn.
 * @example
 * const { subprocess } = spawn(command, ['true']);
 */
export function spawn(command: Command, argv: string[]): Spawned {
    const helper = execHelper();
    const path = helper !== null ? resolveProgram(argv[0], command.cwd) : null;
    if (helper !== null && path !== null && usableCwd(command.cwd)) {
        const options = { setsid: command.processGroup, cwd: command.cwd };
        try {
            // A path is passed as written (as GLib would: relative to `cwd`, `$0` of a script without `#!`).
            const program = argv[0].includes('/') ? argv[0] : path;
            return { subprocess: spawnWith(command, helperArgv(helper, program, argv, options), true), group: command.processGroup };
        } catch (error) {
            // No child ran. If the fork path can start it, the helper was at fault (a `noexec` temp directory…).
            const spawned = spawnForked(command, argv);
            disableExecHelper(error);
            return spawned;
        }
    }
    return spawnForked(command, argv);
}

/** A directory the helper can `chdir()` into (else GLib's fork path reports why it cannot). */
function usableCwd(cwd: string | null): boolean {
    return cwd === null || (GLib.file_test(cwd, GLib.FileTest.IS_DIR) && GLib.file_test(cwd, GLib.FileTest.IS_EXECUTABLE));
}

function spawnForked(command: Command, argv: string[]): Spawned {
    const grouped = command.processGroup ? groupArgv(argv, command.cwd) : null;
    return { subprocess: spawnWith(command, grouped ?? argv, false), group: grouped !== null };
}

/**
 * `viaHelper`: `INHERIT_FDS` (GLib then uses `posix_spawn`; the helper
 * closes the fds) and no `set_cwd()` (the helper changes directory; a cwd
 * would make GLib fork).
 */
function spawnWith(command: Command, argv: string[], viaHelper: boolean): Gio.Subprocess {
    const flags = viaHelper ? FLAGS | Gio.SubprocessFlags.INHERIT_FDS : FLAGS;
    if ((command.cwd === null || viaHelper) && command.env === null)
        return Gio.Subprocess.new(argv, flags);
    const launcher = new Gio.SubprocessLauncher({ flags });
    if (command.cwd !== null && !viaHelper)
        launcher.set_cwd(command.cwd);
    for (const [name, value] of Object.entries(command.env ?? {})) {
        if (value === null)
            launcher.unsetenv(name);
        else
            launcher.setenv(name, value, true);
    }
    return launcher.spawnv(argv);
}
