// Builds examples/bundled the way an app that depends on kaa from npm builds:
// type-check with tsc, bundle with esbuild for GJS 1.74, and put kaa's lazy
// part (kaa-lazy.js: InProgress, IO, processes, workers…, loaded on first use) and worker
// host (kaa-worker.js) next to the bundle, where kaa looks for them.
//   node examples/bundled/build.mjs [OUTFILE]   (default build/examples/bundled/main.js)
// Needs kaa built first (`npm run build`: dist/kaa.js and dist/types/).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const outfile = resolve(process.argv[2] ?? join(root, 'build', 'examples', 'bundled', 'main.js'));

if (!['types/index.d.ts', 'kaa-worker.js', 'kaa-lazy.js'].every(file => existsSync(join(root, 'dist', file))))
    throw new Error('kaa is not built: run `npm run build` first');
execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(here, 'tsconfig.json')], { stdio: 'inherit' });
await build({
    entryPoints: [join(here, 'main.mts')],
    outfile,
    bundle: true,
    format: 'esm',
    target: 'firefox102', // GJS 1.74 = SpiderMonkey 102
    platform: 'neutral',
    // GJS resolves these itself; everything else ('kaa-gjs' too) goes into the bundle.
    external: ['gi://*', 'resource://*', 'system', 'gettext', 'cairo', 'console'],
    sourcemap: 'inline',
    logLevel: 'warning',
});
// In an app: node_modules/kaa-gjs/dist/kaa-lazy.js and kaa-worker.js (here kaa is this repository).
for (const file of ['kaa-lazy.js', 'kaa-worker.js'])
    copyFileSync(join(root, 'dist', file), join(dirname(outfile), file));
console.log(`built ${outfile}`);
