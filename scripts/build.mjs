// Builds the GJS bundles with esbuild and the declarations with tsc.
//   dist/kaa.js         the library (ESM, for `gjs -m`), from src/kaa.ts: the core
//                       (notifier, timers, async) and stand-ins for the rest
//   dist/kaa-lazy.js    the IO, process and worker layers (src/lazy/part.ts), which
//                       dist/kaa.js loads from next to itself on first use (src/lazy/)
//   dist/kaa-worker.js  the worker host, from src/workers/host.ts (all of kaa, eager)
//   dist/types/         the TypeScript declarations (dist/types/index.d.ts, from src/index.ts)
// The bundles are minified with a linked source map (kaa.js.map, kaa-lazy.js.map,
// kaa-worker.js.map) holding the original sources: less to compile and keep at
// start-up (bench startup). kaa-lazy.js and kaa-worker.js keep their names
// (esbuild's keepNames: messages use class names); kaa.js names its public
// classes and functions itself (src/kaa.ts), which costs less at start-up.
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

const CORE_MODULES = 'kaa:lazy-core';

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
 * Resolves `kaa:lazy-core` (src/lazy/load.ts) to a function that returns,
 * by {@link coreKey}, the values of `names` (core module → names) — read
 * when the lazy part loads, after every core module has run. Empty in the
 * first pass, which only finds which modules the core holds.
 */
function coreModulesPlugin(names) {
    return {
        name: 'kaa-lazy-core',
        setup(b) {
            b.onResolve({ filter: /^kaa:lazy-core$/ }, () => ({ path: CORE_MODULES, namespace: 'kaa-lazy-core' }));
            b.onLoad({ filter: /.*/, namespace: 'kaa-lazy-core' }, () => {
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

/** The two header lines of kaa-lazy.js (src/lazy/load.ts skips exactly two lines). */
const LAZY_HEADER = '// kaa-lazy.js: the IO, process and worker layers of kaa, loaded by kaa.js on first use.\n' +
    '// A script body, not a module: src/lazy/load.ts compiles it with new Function and the core modules.\n';

/**
 * Builds dist/kaa.js and dist/kaa-lazy.js: finds the modules the core entry
 * (src/kaa.ts) holds, bundles the lazy part linked to them, then the core
 * with the namespace objects of those the lazy part uses.
 */
async function buildLibrary(outdir, minify) {
    const common = { ...gjsBundleOptions, minify, keepNames: minify, sourcemap: 'linked' };
    // The core names its public classes and functions itself (src/kaa.ts): esbuild's keepNames would add ~200 name fix-ups to start-up.
    const coreOptions = { ...common, keepNames: false };
    const coreEntry = join(root, 'src/kaa.ts');
    const first = await build({ ...coreOptions, entryPoints: [coreEntry], write: false, metafile: true, absWorkingDir: root, outfile: join(outdir, 'kaa.js'),
        sourcemap: false, plugins: [coreModulesPlugin(new Map())] });
    const core = new Set(Object.keys(first.metafile.inputs).filter(f => !f.startsWith('kaa-lazy-core:')).map(f => resolve(root, f)));
    // (A metafile names its inputs relative to absWorkingDir: the root, not the
    // caller's cwd — meson runs this script from its build directory.)
    // The lazy part's own modules: its graph with every core module left out.
    const lazyGraph = await build({
        ...gjsBundleOptions, entryPoints: [join(root, 'src/lazy/part.ts')], write: false, metafile: true, absWorkingDir: root, outfile: join(outdir, 'kaa-lazy.js'),
        plugins: [{ name: 'kaa-core-external', setup(b) {
            b.onResolve({ filter: /^\./ }, async args => {
                if (args.pluginData === 'kaa-core-external')
                    return undefined;
                const found = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'kaa-core-external' });
                return found.errors.length === 0 && core.has(found.path) ? { path: found.path, external: true } : found;
            });
        } }],
    });
    const names = coreImports(core, Object.keys(lazyGraph.metafile.inputs).map(f => resolve(root, f)));
    const used = new Set();
    const lazy = await build({
        ...common, entryPoints: [join(root, 'src/lazy/part.ts')], outfile: join(outdir, 'kaa-lazy.js'), write: false,
        format: 'cjs', external: [], define: { 'import.meta.url': '__kaaImportMetaUrl' },
        banner: { js: `${LAZY_HEADER}"use strict";` }, plugins: [linkToCorePlugin(core, names, used)],
    });
    mkdirSync(outdir, { recursive: true });
    for (const file of lazy.outputFiles)
        writeFileSync(file.path, file.contents);
    await build({ ...coreOptions, entryPoints: [coreEntry], outfile: join(outdir, 'kaa.js'), plugins: [coreModulesPlugin(new Map([...used].map(f => [f, names.get(f) ?? new Set()])))] });
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
        ...gjsBundleOptions, entryPoints: [join(root, 'src/workers/host.ts')], outfile: join(outdir, 'kaa-worker.js'), sourcemap: 'linked',
        minify, keepNames: minify,
    });
    if (!args.includes('--no-types'))
        execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.json'), '--outDir', join(outdir, 'types')], { stdio: 'inherit' });
}

if (process.argv[1] === fileURLToPath(import.meta.url))
    await main();
