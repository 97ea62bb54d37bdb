/**
 * Where the worker host (`kaa-worker.js`) and the `gjs` binary are.
 *
 * The host is found, in order: {@link setWorkerHost}; the `KAA_WORKER_HOST`
 * environment variable (a path or a `file://` URI); the file next to the
 * bundle that holds this code (`dist/kaa.js` → `dist/kaa-worker.js`; inside
 * a worker, the host itself). GJS 1.74 has no `URL`: `import.meta.url` is
 * turned into a path with `Gio.File`. `gjs` is the binary running this
 * process (`/proc/self/exe`), else the first `gjs` on `PATH`.
 * `g_unix_open_pipe()` is unusable from JS on GLib 2.74, so the pipes come
 * from `Gio.Subprocess` and a shell line puts them on the right fds.
 * @module
 */
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { WorkerError, describeValue } from '../notifier/errors.js';

const HOST_NAME = 'kaa-worker.js';
let explicitHost: string | null = null;
let gjs: string | null = null;
let setpriv: string | null = null;

/**
 * Turns a `file://` URI or an absolute path into an absolute path.
 * @param pathOrUri - the location.
 * @returns the path.
 * @throws TypeError for a relative path or a non-file URI.
 * @example
 * toPath('file:///usr/share/kaa/kaa-worker.js'); // '/usr/share/kaa/kaa-worker.js'
 */
export function toPath(pathOrUri: string): string {
    if (typeof pathOrUri === 'string' && pathOrUri.startsWith('file://'))
        return GLib.filename_from_uri(pathOrUri)[0];
    if (typeof pathOrUri !== 'string' || !GLib.path_is_absolute(pathOrUri))
        throw new TypeError(`expected an absolute path or a file:// URI (got ${describeValue(pathOrUri)})`);
    return pathOrUri;
}

/**
 * Tells kaa where the worker host is, when it is not next to the bundle
 * (an app that bundles kaa itself ships `kaa-worker.js` somewhere else).
 * @param pathOrUri - the path or `file://` URI of `kaa-worker.js`; null to search again.
 * @throws TypeError for a relative path or a non-file URI.
 * @example
 * kaa.setWorkerHost(kaa.resolveUri('./kaa-worker.js', import.meta.url));
 */
export function setWorkerHost(pathOrUri: string | null): void {
    explicitHost = pathOrUri === null ? null : toPath(pathOrUri);
}

/**
 * The path of the worker host.
 * @returns the path.
 * @throws WorkerError when it cannot be found.
 * @example
 * Gio.Subprocess.new(['gjs', '-m', hostPath()], flags);
 */
export function hostPath(): string {
    if (explicitHost)
        return explicitHost;
    const env = GLib.getenv('KAA_WORKER_HOST');
    if (env)
        return toPath(env);
    const here = Gio.File.new_for_uri(import.meta.url);
    if (here.get_basename() === HOST_NAME && here.get_path())
        return here.get_path() as string;
    const sibling = here.get_parent()?.get_child(HOST_NAME);
    if (sibling?.query_exists(null))
        return sibling.get_path() as string;
    throw new WorkerError(`cannot find the worker host ${HOST_NAME} next to ${import.meta.url}: ` +
        'set KAA_WORKER_HOST or call kaa.setWorkerHost(path)');
}

/**
 * The argv that starts a worker (its protocol link is its fd 3, worker.ts):
 * `/bin/sh` sends fd 1 to stderr, then execs gjs on the host — through
 * `setpriv --pdeathsig KILL` where util-linux has it, so that a worker dies
 * with its parent even when the parent is killed outright (an idle worker
 * would see EOF anyway; a busy one would finish its call first).
 * @param args - extra host arguments.
 * @returns the argv.
 * @throws WorkerError when the host cannot be found.
 * @example
 * Gio.Subprocess.new(workerArgv(['--gobject']), flags);
 */
export function workerArgv(args: string[]): string[] {
    setpriv ??= GLib.find_program_in_path('setpriv') ?? '';
    const exec = setpriv ? `exec 1>&2 ${GLib.shell_quote(setpriv)} --pdeathsig KILL -- "$0" -m "$@"` : 'exec 1>&2 "$0" -m "$@"';
    return ['/bin/sh', '-c', exec, gjsPath(), hostPath(), ...args];
}

/**
 * The `gjs` binary workers run on.
 * @returns its path.
 * @example
 * print(gjsPath()); // /usr/bin/gjs-console
 */
export function gjsPath(): string {
    if (gjs === null) {
        try {
            gjs = GLib.file_read_link('/proc/self/exe');
        } catch {
            gjs = GLib.find_program_in_path('gjs') ?? 'gjs';
        }
        if (!/gjs/.test(GLib.path_get_basename(gjs)))
            gjs = GLib.find_program_in_path('gjs') ?? 'gjs';
    }
    return gjs;
}
