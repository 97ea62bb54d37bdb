// Builds the GJS bundles with esbuild and the declarations with tsc.
//   dist/kaa.js         the library (ESM, for `gjs -m`), from src/kaa.ts: the core
//                       (the notifier, the Timer family) and stand-ins for the rest
//   dist/kaa-lazy.js    the rest, which dist/kaa.js loads from next to itself on first
//                       use (src/lazy/), in two sections: InProgress and the async
//                       layer, AtTimer (src/lazy/async.ts); IO, processes, workers (part.ts)
//   dist/kaa-worker.js  the worker host, from src/workers/host.ts (all of kaa, eager)
//   dist/types/         the TypeScript declarations (dist/types/index.d.ts, from src/index.ts)
// The bundles are minified with a linked source map (kaa.js.map, kaa-lazy.js.map,
// kaa-worker.js.map) that points at the TypeScript sources in src/ (shipped in the
// package) without embedding them: GJS 1.82+ reads kaa.js.map when it loads kaa.js,
// and the sources tripled its size (bench startup: ~0.4 MiB on 1.90).
// kaa-lazy.js and kaa-worker.js keep their names (esbuild's keepNames: messages
// use class names); kaa.js names its public classes and functions itself
// (src/kaa.ts), which costs less at start-up.
// `--no-minify` writes them readable.
// Usage: node scripts/build.mjs [--clean] [--no-types] [--no-minify] [--outdir DIR]  (DIR defaults to dist/)
//   --clean  empties DIR first, so nothing stale is packed (`npm pack` runs it as `prepack`)
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The esbuild options every GJS bundle shares (GJS 1.74 = SpiderMonkey 102). */
export const gjsBundleOptions = {
    bundle: true,
    format: 'esm',
    target: 'firefox102',
    platform: 'neutral',
    external: ['gi://*', 'resource://*', 'file://*', 'system', 'gettext', 'cairo', 'console'],
    logLevel: 'warning',
    legalComments: 'none',
};

/** The sections of dist/kaa-lazy.js, in the order they load (src/lazy/load.ts): each links to the core's modules and to those of the sections before it. */
const LAZY_SECTIONS = [
    { name: 'async', entry: 'src/lazy/async.ts' },
    { name: 'io', entry: 'src/lazy/part.ts' },
];

/** 'notifier/loop' for src/notifier/loop.ts: how the lazy part names a core module. */
const coreKey = file => relative(join(root, 'src'), file).replace(/\.[mc]?[jt]s$/, '');

/**
 * The names each core module (`core`: absolute paths) must hand the lazy
 * part: every value one of its modules (`files`) imports from it. Import
 * statements are read from the sources (verbatimModuleSyntax marks every
 * type-only import with `type`); a namespace or default import of a core
 * module is refused, so that every name is listed. esbuild then checks the
 * list: the lazy part's stubs export exactly these names.
 */
function coreImports(core, files) {
    const names = new Map();
    const statement = /\b(import|export)\s+(type\s+)?(\*(?:\s+as\s+\w+)?|\{[^}]*\}|[\w$]+(?:\s*,\s*\{[^}]*\})?)\s+from\s+'([^']+)'/g;
    for (const file of files) {
        for (const [text, , typeOnly, clause, spec] of readFileSync(file, 'utf8').matchAll(statement)) {
            if (typeOnly || !spec.startsWith('.'))
                continue;
            const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
            if (!core.has(target))
                continue;
            if (!clause.startsWith('{'))
                throw new Error(`${relative(root, file)}: \`${text}\`: name what the lazy part imports from a core module`);
            const set = names.get(target) ?? new Set();
            names.set(target, set);
            for (const item of clause.slice(1, -1).split(',').map(i => i.trim()).filter(i => i && !i.startsWith('type ')))
                set.add(item.split(/\s+as\s+/)[0]);
        }
    }
    return names;
}

/**
 * Resolves `specifier` (`kaa:lazy-core` in src/lazy/load.ts; `kaa:lazy-modules`
 * in a section of the lazy part that a later one links to) to a function
 * that returns, by {@link coreKey}, the values of `names` (module → names) —
 * read when a section loads, after every module it takes them from has run.
 * Empty in the first pass, which only finds which modules the core holds.
 */
function modulesPlugin(names, specifier = 'kaa:lazy-core') {
    const namespace = specifier.replace(':', '-');
    return {
        name: namespace,
        setup(b) {
            b.onResolve({ filter: new RegExp(`^${specifier}$`) }, () => ({ path: specifier, namespace }));
            b.onLoad({ filter: /.*/, namespace }, () => {
                const modules = [...names].sort(([a], [b]) => a.localeCompare(b)).map(([file, set]) => [file, [...set].sort()]);
                const imports = modules.map(([file, list], i) =>
                    `import { ${list.map((n, j) => `${n} as m${i}_${j}`).join(', ')} } from ${JSON.stringify(file)};`);
                const entries = modules.map(([file, list], i) =>
                    `${JSON.stringify(coreKey(file))}: { ${list.map((n, j) => `${n}: m${i}_${j}`).join(', ')} }`);
                return { resolveDir: root, loader: 'js', contents: `${imports.join('\n')}\nexport default () => ({ ${entries.join(', ')} });\n` };
            });
        },
    };
}

/**
 * For the lazy part: each module the core holds (`core`: absolute paths)
 * becomes a stub exporting `names` of it from `__kaaCore[key]` (what the
 * core hands over, src/lazy/load.ts), and is recorded in `used`; `gi://NAME`
 * and `system` come from the legacy importer (the part is a script).
 * Anything else external fails.
 */
function linkToCorePlugin(core, names, used) {
    return {
        name: 'kaa-link-to-core',
        setup(b) {
            b.onResolve({ filter: /^(gi:\/\/|system$|gettext$|cairo$|console$|resource:|file:)/ }, args => {
                const gi = /^gi:\/\/([A-Za-z][A-Za-z0-9]*)$/.exec(args.path);
                if (gi)
                    return { path: gi[1], namespace: 'kaa-gi' };
                if (args.path === 'system')
                    return { path: 'system', namespace: 'kaa-legacy' };
                return { errors: [{ text: `the lazy part (src/lazy/part.ts) cannot import ${args.path}: add it to linkToCorePlugin` }] };
            });
            // ESM, not `module.exports`: esbuild would copy a CommonJS export's properties, resolving every GI type.
            b.onLoad({ filter: /.*/, namespace: 'kaa-gi' }, args => ({ contents: `export default imports.gi.${args.path};`, loader: 'js' }));
            b.onLoad({ filter: /.*/, namespace: 'kaa-legacy' }, args => ({ contents: `export default imports.${args.path};`, loader: 'js' }));
            b.onResolve({ filter: /^\./ }, async args => {
                if (args.pluginData === 'kaa-link-to-core')
                    return undefined;
                const found = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'kaa-link-to-core' });
                if (found.errors.length > 0 || !core.has(found.path))
                    return found;
                used.add(found.path);
                return { path: found.path, namespace: 'kaa-core' };
            });
            b.onLoad({ filter: /.*/, namespace: 'kaa-core' }, args => {
                const list = [...names.get(args.path) ?? []];
                return { loader: 'js', contents: `export const { ${list.join(', ')} } = __kaaCore[${JSON.stringify(coreKey(args.path))}];` };
            });
        },
    };
}

/** The two header lines of kaa-lazy.js; each section follows a line `// kaa-lazy section: NAME` (src/lazy/load.ts). */
const LAZY_HEADER = '// kaa-lazy.js: the parts of kaa that kaa.js loads on first use, in sections compiled one by one.\n' +
    '// Script bodies, not modules: src/lazy/load.ts compiles each with new Function and the modules it links to.\n';

/** Marks the modules in `linked` external (a pass that only finds a section's own modules). */
function externalPlugin(linked) {
    return { name: 'kaa-linked-external', setup(b) {
        b.onResolve({ filter: /^\./ }, async args => {
            if (args.pluginData === 'kaa-linked-external')
                return undefined;
            const found = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'kaa-linked-external' });
            return found.errors.length === 0 && linked.has(found.path) ? { path: found.path, external: true } : found;
        });
    } };
}

/**
 * Builds dist/kaa.js and dist/kaa-lazy.js: finds the modules the core entry
 * (src/kaa.ts) holds, then each section's own modules (its graph without the
 * core's and the earlier sections'), bundles each section linked to those,
 * joins the sections into kaa-lazy.js (with an index source map), and
 * bundles the core with the values the sections take from its modules.
 */
async function buildLibrary(outdir, minify) {
    const common = { ...gjsBundleOptions, minify, keepNames: minify, sourcemap: 'linked', sourcesContent: false };
    // The core names its public classes and functions itself (src/kaa.ts): esbuild's keepNames would add ~200 name fix-ups to start-up.
    const coreOptions = { ...common, keepNames: false };
    const coreEntry = join(root, 'src/kaa.ts');
    const first = await build({ ...coreOptions, entryPoints: [coreEntry], write: false, metafile: true, absWorkingDir: root, outfile: join(outdir, 'kaa.js'),
        sourcemap: false, plugins: [modulesPlugin(new Map())] });
    const core = new Set(Object.keys(first.metafile.inputs).filter(f => !f.startsWith('kaa-lazy-core:')).map(f => resolve(root, f)));
    // (A metafile names its inputs relative to absWorkingDir: the root, not the
    // caller's cwd — meson runs this script from its build directory.)
    const sections = [];
    let linked = core;
    for (const { name, entry } of LAZY_SECTIONS) {
        const graph = await build({ ...gjsBundleOptions, entryPoints: [join(root, entry)], write: false, metafile: true, absWorkingDir: root,
            outfile: join(outdir, 'kaa-lazy.js'), plugins: [externalPlugin(linked)] });
        const own = Object.keys(graph.metafile.inputs).map(f => resolve(root, f)).filter(f => !linked.has(f));
        sections.push({ name, entry: join(root, entry), linked, own: new Set(own), names: coreImports(linked, own), used: new Set() });
        linked = new Set([...linked, ...own]);
    }
    let text = LAZY_HEADER;
    const mapSections = [];
    for (const section of sections) {
        // What the later sections take from this one's modules.
        const handed = new Map();
        for (const later of sections.slice(sections.indexOf(section) + 1)) {
            for (const [file, set] of later.names) {
                if (section.own.has(file))
                    handed.set(file, new Set([...handed.get(file) ?? [], ...set]));
            }
        }
        const contents = `export * from ${JSON.stringify(section.entry)};\n` +
            (handed.size > 0 ? 'export { default as __kaaModules } from \'kaa:lazy-modules\';\n' : '');
        const out = await build({
            ...common, stdin: { contents, resolveDir: root, sourcefile: `kaa-lazy-${section.name}.js`, loader: 'js' },
            outfile: join(outdir, 'kaa-lazy.js'), write: false, sourcemap: 'external',
            format: 'cjs', external: [], define: { 'import.meta.url': '__kaaImportMetaUrl' }, banner: { js: '"use strict";' },
            plugins: [linkToCorePlugin(section.linked, section.names, section.used), modulesPlugin(handed, 'kaa:lazy-modules')],
        });
        const js = out.outputFiles.find(f => f.path.endsWith('.js')).text;
        const map = out.outputFiles.find(f => f.path.endsWith('.map')).text;
        text += `// kaa-lazy section: ${section.name}\n`;
        mapSections.push({ offset: { line: text.split('\n').length - 1, column: 0 }, map: JSON.parse(map) });
        text += js.endsWith('\n') ? js : `${js}\n`;
    }
    mkdirSync(outdir, { recursive: true });
    writeFileSync(join(outdir, 'kaa-lazy.js'), `${text}//# sourceMappingURL=kaa-lazy.js.map\n`);
    writeFileSync(join(outdir, 'kaa-lazy.js.map'), JSON.stringify({ version: 3, file: 'kaa-lazy.js', sections: mapSections }));
    const used = new Map();
    for (const section of sections) {
        for (const file of section.used) {
            if (core.has(file))
                used.set(file, new Set([...used.get(file) ?? [], ...section.names.get(file) ?? []]));
        }
    }
    await build({ ...coreOptions, entryPoints: [coreEntry], outfile: join(outdir, 'kaa.js'), plugins: [modulesPlugin(used)] });
}

async function main() {
    const args = process.argv.slice(2);
    const at = args.indexOf('--outdir');
    const outdir = at >= 0 ? resolve(args[at + 1]) : join(root, 'dist');
    const minify = !args.includes('--no-minify');
    if (args.includes('--clean'))
        rmSync(outdir, { recursive: true, force: true });
    await buildLibrary(outdir, minify);
    await build({
        ...gjsBundleOptions, entryPoints: [join(root, 'src/workers/host.ts')], outfile: join(outdir, 'kaa-worker.js'), sourcemap: 'linked', sourcesContent: false,
        minify, keepNames: minify,
    });
    if (!args.includes('--no-types'))
        execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.json'), '--outDir', join(outdir, 'types')], { stdio: 'inherit' });
}

if (process.argv[1] === fileURLToPath(import.meta.url))
    await main();
