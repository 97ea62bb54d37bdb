// Builds the GJS bundles with esbuild and the declarations with tsc.
//   dist/kaa.js         the library (ESM, for `gjs -m`), from src/index.ts
//   dist/kaa-worker.js  the worker host, from src/workers/host.ts
//   dist/types/         the TypeScript declarations (dist/types/index.d.ts)
// The two bundles are minified (names kept: messages use class and function
// names) with a linked source map (kaa.js.map, kaa-worker.js.map) holding the
// original sources: less to compile and keep at start-up (bench startup).
// `--no-minify` writes them readable.
// Usage: node scripts/build.mjs [--clean] [--no-types] [--no-minify] [--outdir DIR]  (DIR defaults to dist/)
//   --clean  empties DIR first, so nothing stale is packed (`npm pack` runs it as `prepack`)
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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

async function main() {
    const args = process.argv.slice(2);
    const at = args.indexOf('--outdir');
    const outdir = at >= 0 ? resolve(args[at + 1]) : join(root, 'dist');
    const minify = !args.includes('--no-minify');
    if (args.includes('--clean'))
        rmSync(outdir, { recursive: true, force: true });
    const entries = [['src/index.ts', 'kaa.js'], ['src/workers/host.ts', 'kaa-worker.js']];
    for (const [from, to] of entries) {
        if (!existsSync(join(root, from)))
            continue;
        await build({
            ...gjsBundleOptions, entryPoints: [join(root, from)], outfile: join(outdir, to), sourcemap: 'linked',
            minify, keepNames: minify,
        });
    }
    if (!args.includes('--no-types'))
        execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.json'), '--outDir', join(outdir, 'types')], { stdio: 'inherit' });
}

if (process.argv[1] === fileURLToPath(import.meta.url))
    await main();
