/**
 * Where the worker host (`kaa-worker.js`) and the `gjs` binary are, and the
 * argv that starts a worker.
 *
 * The host is found, in order: {@link setWorkerHost}; the `KAA_WORKER_HOST`
 * environment variable (a path, a `file://` URI or a `resource:///` URI); the
 * file next to the bundle that holds this code (`dist/kaa.js` →
 * `dist/kaa-worker.js`; inside a worker, the host itself). GJS 1.74 has no
 * `URL`: `import.meta.url` is turned into a path with `Gio.File`. `gjs` is
 * the binary running this process (`/proc/self/exe`), else the first `gjs`
 * on `PATH`. `g_unix_open_pipe()` is unusable from JS on GLib 2.74, so the
 * pipes come from `Gio.Subprocess` and a shell line puts them on the right fds.
 *
 * **kaa inside a GResource** (a GNOME app: its launcher registered
 * `<app-id>.src.gresource` and imported `resource:///…/js/main.js`): the
 * host is the resource `kaa-worker.js` next to the bundle. A worker is a new
 * gjs process, which has no resources registered, so it is started as a
 * small script (`gjs -c`, {@link RESOURCE_BOOTSTRAP}) that registers the
 * same GResource file, imports the host from `resource:///`, and lets the
 * host run its loop from the script's top level (never inside the import's
 * promise job). The GResource file is found without help from the app: GLib
 * maps a loaded GResource file into memory, so it is the file in
 * `/proc/self/maps` that is a GVDB file holding the host's resource path.
 * @module
 */
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { WorkerError, describeValue } from '../notifier/errors.js';

const HOST_NAME = 'kaa-worker.js';
const RESOURCE_SCHEME = 'resource:///';
/** The first 8 bytes of a GVDB file (a compiled GResource is one). */
const GVDB_MAGIC = 'GVariant';

/**
 * The global through which a worker host imported by {@link RESOURCE_BOOTSTRAP}
 * hands its `serve()` back to the bootstrap script (see host.ts).
 */
export const RESOURCE_BOOT_HOOK = '__kaaWorkerBoot';

/**
 * The script a worker runs when its host is in a GResource:
 * `gjs -c SCRIPT GRESOURCE_FILE HOST_URI [host args…]`. It registers the
 * file, imports the host, and runs the host's loop once the import's
 * promise job is over (a loop started inside a promise job would starve
 * promise reactions on GJS 1.74). Exit status 4: the host could not be imported.
 */
export const RESOURCE_BOOTSTRAP = `const { Gio, GLib } = imports.gi;
const [gresource, uri] = ARGV.splice(0, 2);
Gio.Resource.load(gresource)._register();
const loop = new GLib.MainLoop(null, false);
let serve = null;
globalThis.${RESOURCE_BOOT_HOOK} = run => { delete globalThis.${RESOURCE_BOOT_HOOK}; serve = run; loop.quit(); };
import(uri).catch(e => { printerr('kaa worker: cannot import ' + uri + ' from ' + gresource + ': ' + e); loop.quit(); });
loop.run();
if (serve) serve(); else imports.system.exit(4);
`;

/** Where a worker host is: a file, or a resource inside a GResource file. */
export type HostLocation = { path: string } | { uri: string; gresource: string };

let explicitHost: string | null = null;
const gresourceOf = new Map<string, string>();
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
 * The URI a worker imports a module from (`workerModule()`, the GObject
 * worker's `module`): a `resource:///` URI as it is — a worker whose host is
 * in a GResource has that GResource registered, so the module must be in
 * the same one — else the `file://` URI of the path or URI.
 * @param pathOrUri - an absolute path, a `file://` URI or a `resource:///` URI.
 * @returns the URI.
 * @throws TypeError for a relative path or another kind of URI.
 * @example
 * moduleUri('/srv/app/tasks.js'); // 'file:///srv/app/tasks.js'
 */
export function moduleUri(pathOrUri: string): string {
    if (typeof pathOrUri === 'string' && pathOrUri.startsWith(RESOURCE_SCHEME))
        return pathOrUri;
    try {
        return GLib.filename_to_uri(toPath(pathOrUri), null);
    } catch (e) {
        if (!(e instanceof TypeError))
            throw e;
        throw new TypeError(`expected an absolute path, a file:// URI or a resource:/// URI (got ${describeValue(pathOrUri)})`);
    }
}

/**
 * Tells kaa where the worker host is, when it is not next to the bundle
 * (an app that bundles kaa itself ships `kaa-worker.js` somewhere else).
 * @param pathOrUri - the path, `file://` URI or `resource:///` URI of
 *   `kaa-worker.js` (a resource: in a GResource file this process loaded);
 *   null to search again.
 * @throws TypeError for a relative path or another kind of URI.
 * @example
 * kaa.setWorkerHost(kaa.resolveUri('./kaa-worker.js', import.meta.url));
 */
export function setWorkerHost(pathOrUri: string | null): void {
    explicitHost = pathOrUri === null ? null : checkHost(pathOrUri);
}

function checkHost(pathOrUri: string): string {
    if (typeof pathOrUri === 'string' && pathOrUri.startsWith(RESOURCE_SCHEME))
        return pathOrUri;
    if (typeof pathOrUri === 'string' && (pathOrUri.startsWith('file://') || GLib.path_is_absolute(pathOrUri)))
        return toPath(pathOrUri);
    throw new TypeError(`the worker host must be an absolute path, a file:// URI or a resource:/// URI (got ${describeValue(pathOrUri)})`);
}

/**
 * The path of the worker host, when it is a file.
 * @returns the path.
 * @throws WorkerError when it cannot be found, or is a resource.
 * @example
 * Gio.Subprocess.new(['gjs', '-m', hostPath()], flags);
 */
export function hostPath(): string {
    const where = hostLocation();
    if ('path' in where)
        return where.path;
    throw new WorkerError(`the worker host is the resource ${where.uri} (in ${where.gresource}), not a file`);
}

/**
 * Where the worker host is: a file, or a resource with the GResource file
 * that holds it.
 * @returns the location.
 * @throws WorkerError when it cannot be found.
 * @example
 * const where = hostLocation(); // { uri: 'resource:///org/example/App/js/kaa-worker.js', gresource: '/usr/share/app/org.example.App.src.gresource' }
 */
export function hostLocation(): HostLocation {
    const given = explicitHost ?? (GLib.getenv('KAA_WORKER_HOST') || null);
    if (given) {
        const host = checkHost(given);
        return host.startsWith(RESOURCE_SCHEME) ? inResource(host, 'the worker host') : { path: host };
    }
    const here = Gio.File.new_for_uri(import.meta.url);
    const host = here.get_basename() === HOST_NAME ? here : here.get_parent()?.get_child(HOST_NAME);
    if (host && import.meta.url.startsWith(RESOURCE_SCHEME) && host.query_exists(null))
        return inResource(host.get_uri(), `${HOST_NAME} next to ${import.meta.url}`);
    if (host?.get_path() && host.query_exists(null))
        return { path: host.get_path() as string };
    throw new WorkerError(`cannot find the worker host ${HOST_NAME} next to ${import.meta.url}: ` +
        'set KAA_WORKER_HOST or call kaa.setWorkerHost(path)');
}

/** The location of the resource `uri` and the GResource file mapped into this process that holds it. */
function inResource(uri: string, what: string): HostLocation {
    const resource = GLib.uri_unescape_string(uri.slice(RESOURCE_SCHEME.length - 1), null) ?? '';
    let gresource = gresourceOf.get(resource);
    if (gresource === undefined) {
        gresource = mappedGResourceHolding(resource);
        if (gresource === undefined) {
            throw new WorkerError(`cannot start a worker: ${what} is the resource ${uri}, and no GResource file ` +
                'loaded in this process holds it (load it with Gio.Resource.load(path)._register()), ' +
                'or set KAA_WORKER_HOST or call kaa.setWorkerHost(path) to a kaa-worker.js file');
        }
        gresourceOf.set(resource, gresource);
    }
    return { uri, gresource };
}

/**
 * The GResource file mapped into this process (GLib maps each one it loads)
 * that holds `resource`: the files named `*.gresource` first, then any other
 * GVDB file (a GTK app maps many files: fonts, caches, libraries).
 */
function mappedGResourceHolding(resource: string): string | undefined {
    let text = '';
    try {
        text = new TextDecoder().decode(GLib.file_get_contents('/proc/self/maps')[1]);
    } catch {
        return undefined;
    }
    const files = new Set<string>();
    for (const line of text.split('\n')) {
        const at = line.indexOf(' /');
        if (at >= 0 && !line.endsWith(' (deleted)'))
            files.add(line.slice(at + 1));
    }
    const named = [...files].filter(file => file.endsWith('.gresource'));
    return named.find(file => isGvdb(file) && holds(file, resource)) ??
        [...files].find(file => !named.includes(file) && isGvdb(file) && holds(file, resource));
}

function isGvdb(path: string): boolean {
    try {
        const stream = Gio.File.new_for_path(path).read(null);
        try {
            return new TextDecoder().decode(stream.read_bytes(GVDB_MAGIC.length, null).toArray()) === GVDB_MAGIC;
        } finally {
            stream.close(null);
        }
    } catch {
        return false;
    }
}

function holds(gresource: string, resource: string): boolean {
    try {
        Gio.Resource.load(gresource).get_info(resource, Gio.ResourceLookupFlags.NONE);
        return true;
    } catch {
        return false;
    }
}

/**
 * The argv that starts a worker: `/bin/sh` moves the protocol to fd 3 and
 * sends fd 1 to stderr, then execs gjs on the host — through
 * `setpriv --pdeathsig KILL` where util-linux has it, so that a worker dies
 * with its parent even when the parent is killed outright (an idle worker
 * would see EOF anyway; a busy one would finish its call first). A file host
 * runs as `gjs -m HOST`; a resource host through {@link RESOURCE_BOOTSTRAP}.
 * @param args - extra host arguments.
 * @returns the argv.
 * @throws WorkerError when the host cannot be found.
 * @example
 * Gio.Subprocess.new(workerArgv(['--gobject']), flags);
 */
export function workerArgv(args: string[]): string[] {
    setpriv ??= GLib.find_program_in_path('setpriv') ?? '';
    const exec = setpriv ? `exec 3>&1 1>&2 ${GLib.shell_quote(setpriv)} --pdeathsig KILL -- "$0" "$@"` : 'exec 3>&1 1>&2 "$0" "$@"';
    const where = hostLocation();
    const host = 'path' in where ? ['-m', where.path] : ['-c', RESOURCE_BOOTSTRAP, where.gresource, where.uri];
    return ['/bin/sh', '-c', exec, gjsPath(), ...host, ...args];
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
