/**
 * Loads dist/kaa-lazy.js, the IO, process and worker layers, the first time
 * dist/kaa.js needs it — synchronously, so the caller is never moved behind
 * an `await` (GJS 1.74's promise trap; `import()` would do that).
 *
 * The file sits next to the file that holds kaa: dist/kaa.js, or an app's
 * own bundle when the app bundles kaa (it then copies kaa-lazy.js next to
 * it, as it does kaa-worker.js), in a directory or a GResource. It is read
 * as text and compiled with `new Function` (a script, not a module: it has
 * no imports; `gi://` modules come from the legacy importer) and called
 * with the values it imports from this bundle's core modules, so it shares
 * this bundle's scheduler, loop and registries. Errors thrown in it name the
 * file and its lines (`//# sourceURL`).
 * @module
 */
import coreModules from 'kaa:lazy-core';

/** The file name of the lazy part, next to the file that holds kaa. */
export const LAZY_PART_NAME = 'kaa-lazy.js';

/** The lines before the code in kaa-lazy.js (the build's header), left out so that line numbers match the file's. */
const HEADER_LINES = 2;

/** What kaa-lazy.js exports (src/lazy/part.ts), by name. */
export type LazyPart = Readonly<Record<string, unknown>>;

let part: LazyPart | null = null;

/** The URI of kaa-lazy.js next to `base` (the URI of the file that holds kaa). */
export function lazyPartUri(base: string): string {
    return base.slice(0, base.lastIndexOf('/') + 1) + LAZY_PART_NAME;
}

function readText(uri: string): string {
    try {
        const [, bytes] = imports.gi.Gio.File.new_for_uri(uri).load_contents(null);
        return new TextDecoder().decode(bytes);
    } catch (e) {
        throw new Error(`kaa: cannot load ${uri}, the part of kaa with IOMonitor, IOChannel, Socket, Process and the ` +
            `workers (${e instanceof Error ? e.message : String(e)}): when you bundle kaa into your app, copy ` +
            `${LAZY_PART_NAME} from kaa's dist/ next to your bundle, as you do kaa-worker.js`, { cause: e });
    }
}

/**
 * The lazy part's exports, loading it on the first call.
 * @throws Error when kaa-lazy.js cannot be read.
 */
export function loadLazyPart(): LazyPart {
    if (part !== null)
        return part;
    const uri = lazyPartUri(import.meta.url);
    const text = readText(uri);
    let start = 0;
    for (let i = 0; i < HEADER_LINES; i++)
        start = text.indexOf('\n', start) + 1;
    const factory = new Function('__kaaCore', '__kaaImportMetaUrl', 'module',
        `${text.slice(start)}\n//# sourceURL=${uri}`) as (core: ReturnType<typeof coreModules>, url: string, module: { exports: LazyPart }) => void;
    const module = { exports: {} as LazyPart };
    factory(coreModules(), import.meta.url, module);
    part = module.exports;
    return part;
}

/** True once the lazy part is loaded (for specs and diagnostics). */
export function isLazyPartLoaded(): boolean {
    return part !== null;
}
