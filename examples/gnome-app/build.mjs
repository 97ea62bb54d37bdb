// Builds the app's GResource (meson runs it; see meson.build):
//   node build.mjs SOURCE_XML OUTPUT [--glib-compile-resources PATH] [--no-typecheck]
// 1. type-checks src/main.mts against kaa's declarations (tsc);
// 2. bundles it with kaa (esbuild; `import … from 'kaa-gjs'`) into js/main.js
//    of a staging directory next to OUTPUT;
// 3. copies every .js file of kaa's dist/ there too — the worker host
//    kaa-worker.js and whatever else kaa's build makes — and adds each to the
//    resource list of SOURCE_XML, next to main.js, where kaa looks for them;
// 4. compiles the list with glib-compile-resources into OUTPUT.
// In an app, kaa is node_modules/kaa-gjs; here it is this repository (built
// first: `npm run build`).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = name => {
    const at = args.indexOf(name);
    return at >= 0 ? args.splice(at, 2)[1] : null;
};
const compiler = option('--glib-compile-resources') ?? 'glib-compile-resources';
const typecheck = !args.includes('--no-typecheck');
const [sourceXml, output] = args.filter(a => !a.startsWith('--')).map(a => resolve(a));
if (!sourceXml || !output)
    throw new Error('usage: node build.mjs SOURCE_XML OUTPUT [--glib-compile-resources PATH] [--no-typecheck]');

// kaa's package, found as any dependency is (package.json `exports` has ./package.json).
const kaaDist = join(dirname(createRequire(import.meta.url).resolve('kaa-gjs/package.json')), 'dist');
if (!existsSync(join(kaaDist, 'types', 'index.d.ts')) || !existsSync(join(kaaDist, 'kaa-worker.js')))
    throw new Error(`kaa is not built (no ${kaaDist}/types or kaa-worker.js): run \`npm run build\` first`);

if (typecheck) {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', join(here, 'src', 'tsconfig.json')], { stdio: 'inherit' });
}

const stage = join(dirname(output), `${basename(output)}.files`);
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
await build({
    entryPoints: [join(here, 'src', 'main.mts')],
    outfile: join(stage, 'main.js'),
    bundle: true,
    format: 'esm',
    target: 'firefox102', // GJS 1.74 = SpiderMonkey 102
    platform: 'neutral',
    // GJS resolves these itself; everything else ('kaa-gjs' too) goes into the bundle.
    external: ['gi://*', 'resource://*', 'system', 'gettext', 'cairo', 'console'],
    // Not minified: a threaded() function is sent to the worker as source
    // and uses the worker's globals (GLib, Gio, kaa) by name.
    logLevel: 'warning',
});

const kaaFiles = readdirSync(kaaDist).filter(name => name.endsWith('.js')).sort();
for (const name of kaaFiles)
    copyFileSync(join(kaaDist, name), join(stage, name));
const xml = readFileSync(sourceXml, 'utf8');
const end = xml.indexOf('</gresource>');
if (end < 0 || !xml.includes('<file>main.js</file>'))
    throw new Error(`${sourceXml}: expected a <gresource> listing main.js`);
const entries = kaaFiles.map(name => `    <file>${name}</file>\n`).join('');
const listed = join(stage, basename(sourceXml));
writeFileSync(listed, xml.slice(0, end) + `    <!-- kaa's dist/, added by build.mjs -->\n${entries}  ` + xml.slice(end));
execFileSync(compiler, ['--sourcedir', stage, '--target', output, listed], { stdio: 'inherit' });
