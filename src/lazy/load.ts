/**
 * Loads dist/kaa-lazy.js, the part of kaa that dist/kaa.js compiles only
 * when first needed — synchronously, so the caller is never moved behind an
 * `await` (GJS 1.74's promise trap; `import()` would do that).
 *
 * The file has two sections, each compiled on its own the first time one of
 * its names is used: `async` (InProgress and the async layer, AtTimer,
 * `timed()`: src/lazy/async.ts) and `io` (IO, processes, workers:
 * src/lazy/part.ts), which loads `async` first. Each is a script body, not a
 * module: it has no imports (`gi://` modules come from the legacy importer),
 * is compiled with `new Function` and called with the values it imports
 * from kaa's core modules — and, for `io`, from the `async` section's — so
 * there is one scheduler, loop and registry whichever part loads first.
 *
 * The file sits next to the file that holds kaa: dist/kaa.js, or an app's
 * own bundle when the app bundles kaa (it then copies kaa-lazy.js next to
 * it, as it does kaa-worker.js), in a directory or a GResource. Errors
 * thrown in it name the file and its lines (`//# sourceURL`).
 * @module
 */
import GLib from 'gi://GLib';
import coreModules from 'kaa:lazy-core';

/** The file name of the lazy part, next to the file that holds kaa. */
export const LAZY_PART_NAME = 'kaa-lazy.js';

/** The sections of kaa-lazy.js, in the order they load. */
export type LazySection = 'async' | 'io';

/** The line before each section's code in kaa-lazy.js (scripts/build.mjs writes them). */
export const sectionMarker = (section: LazySection): string => `// kaa-lazy section: ${section}`;

/** What a section exports, by name. */
export type LazyPart = Readonly<Record<string, unknown>>;

/** Module values by module key, as the sections import them (kaa:lazy-core). */
type Modules = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

const loaded = new Map<LazySection, LazyPart>();

/** The URI of kaa-lazy.js next to `base` (the URI of the file that holds kaa). */
export function lazyPartUri(base: string): string {
    return base.slice(0, base.lastIndexOf('/') + 1) + LAZY_PART_NAME;
}

function readText(uri: string): string {
    try {
        // A file through GLib: the first use of Gio would cost more than compiling the section (~5 ms on 1.74).
        const bytes = uri.startsWith('file:')
            ? GLib.file_get_contents(GLib.filename_from_uri(uri)[0])[1]
            : imports.gi.Gio.File.new_for_uri(uri).load_contents(null)[1];
        return new TextDecoder().decode(bytes);
    } catch (e) {
        throw new Error(`kaa: cannot load ${uri}, the part of kaa with InProgress, IOChannel, Socket, Process and the ` +
            `workers (${e instanceof Error ? e.message : String(e)}): when you bundle kaa into your app, copy ` +
            `${LAZY_PART_NAME} from kaa's dist/ next to your bundle, as you do kaa-worker.js`, { cause: e });
    }
}

/** Compiles and runs `section` of kaa-lazy.js (at `uri`) with `modules`; returns its exports. */
function compile(uri: string, section: LazySection, modules: Modules): LazyPart {
    const text = readText(uri);
    const marker = `\n${sectionMarker(section)}\n`;
    const at = text.indexOf(marker);
    if (at < 0)
        throw new Error(`kaa: ${uri} has no section "${section}" (dist/ mixes two builds of kaa?)`);
    const start = at + marker.length;
    const next = text.indexOf('\n// kaa-lazy section: ', start);
    const body = text.slice(start, next < 0 ? text.length : next + 1);
    // `new Function` puts two lines before the body: pad it so that line numbers match the file's.
    const lines = text.slice(0, start).split('\n').length - 1;
    const factory = new Function('__kaaCore', '__kaaImportMetaUrl', 'module',
        `${'\n'.repeat(Math.max(0, lines - 2))}${body}\n//# sourceURL=${uri}`) as
        (core: Modules, url: string, module: { exports: LazyPart }) => void;
    const module = { exports: {} as LazyPart };
    factory(modules, import.meta.url, module);
    return module.exports;
}

/**
 * A section's exports, loading it (and `async` before `io`) on the first call.
 * @param section - which section of kaa-lazy.js.
 * @throws Error when kaa-lazy.js cannot be read.
 */
export function loadLazyPart(section: LazySection): LazyPart {
    const done = loaded.get(section);
    if (done !== undefined)
        return done;
    const uri = lazyPartUri(import.meta.url);
    let modules: Modules = coreModules();
    if (section === 'io') {
        const linked = (loadLazyPart('async').__kaaModules as () => Modules)();
        modules = { ...modules, ...linked };
    }
    const part = compile(uri, section, modules);
    loaded.set(section, part);
    return part;
}

/**
 * True once `section` is loaded (for the stand-ins and diagnostics).
 * @param section - which section of kaa-lazy.js.
 */
export function isLazyPartLoaded(section: LazySection): boolean {
    return loaded.has(section);
}
