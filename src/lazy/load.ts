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

/** How the line before each section's code in kaa-lazy.js begins (scripts/build.mjs writes them). */
const SECTION_PREFIX = '// kaa-lazy section: ';

/** The line before each section's code in kaa-lazy.js. */
export const sectionMarker = (section: LazySection): string => `${SECTION_PREFIX}${section}`;

/** What a section exports, by name. */
export type LazyPart = Readonly<Record<string, unknown>>;

/** Module values by module key, as the sections import them (kaa:lazy-core). */
type Modules = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

const loaded = new Map<LazySection, LazyPart>();

/** The URI of kaa-lazy.js next to `base` (the URI of the file that holds kaa). */
export function lazyPartUri(base: string): string {
    return base.slice(0, base.lastIndexOf('/') + 1) + LAZY_PART_NAME;
}

/** A section's code and how many lines of the file come before it. */
interface SectionText {
    readonly body: string;
    readonly linesBefore: number;
}

/**
 * Picks `section` out of kaa-lazy.js's lines (each with its line end),
 * stopping at the next section: the lines after it are never asked for.
 */
function findSection(lines: Iterable<string>, section: LazySection): SectionText | null {
    const marker = sectionMarker(section);
    const body: string[] = [];
    let linesBefore = 0;
    let inside = false;
    for (const line of lines) {
        if (line.startsWith(SECTION_PREFIX)) {
            if (inside)
                break;
            inside = line.trimEnd() === marker;
            linesBefore++;
        } else if (inside) {
            body.push(line);
        } else {
            linesBefore++;
        }
    }
    return inside ? { body: body.join(''), linesBefore } : null;
}

/** A file's lines, read one by one through GLib as they are asked for. */
function* fileLines(path: string): Generator<string> {
    const channel = GLib.IOChannel.new_file(path, 'r');
    try {
        for (;;) {
            const [status, line] = channel.read_line();
            if (status !== GLib.IOStatus.NORMAL || line === null)
                return;
            yield line;
        }
    } finally {
        channel.shutdown(false);
    }
}

/** The lines of a file read whole through Gio (a GResource). */
function uriLines(uri: string): string[] {
    const text = new TextDecoder().decode(imports.gi.Gio.File.new_for_uri(uri).load_contents(null)[1]);
    return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** `section` of kaa-lazy.js at `uri`: a file through GLib (the first use of Gio would cost more than compiling the section), else through Gio. */
function readSection(uri: string, section: LazySection): SectionText {
    let found: SectionText | null;
    try {
        found = findSection(uri.startsWith('file:') ? fileLines(GLib.filename_from_uri(uri)[0]) : uriLines(uri), section);
    } catch (e) {
        throw new Error(`kaa: cannot load ${uri}, the part of kaa with InProgress, IOChannel, Socket, Process and the ` +
            `workers (${e instanceof Error ? e.message : String(e)}): when you bundle kaa into your app, copy ` +
            `${LAZY_PART_NAME} from kaa's dist/ next to your bundle, as you do kaa-worker.js`, { cause: e });
    }
    if (found === null)
        throw new Error(`kaa: ${uri} has no section "${section}" (dist/ mixes two builds of kaa?)`);
    return found;
}

/** Compiles and runs `section` of kaa-lazy.js (at `uri`) with `modules`; returns its exports. */
function compile(uri: string, section: LazySection, modules: Modules): LazyPart {
    const { body, linesBefore } = readSection(uri, section);
    // `new Function` puts two lines before the body: pad it so that line numbers match the file's.
    const factory = new Function('__kaaCore', '__kaaImportMetaUrl', 'module',
        `${'\n'.repeat(Math.max(0, linesBefore - 2))}${body}\n//# sourceURL=${uri}`) as
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
