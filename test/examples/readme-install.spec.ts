// README "Using kaa in your app": the section's commands and files, run as a
// user copies them. A copy of the repository without dist/ (a fresh clone,
// with kaa's node_modules linked in place of `npm ci`) is packed with
// `npm pack` (its prepack builds dist/), the tarball is installed into an
// empty app with the exact tool and @girs versions the README names, and the
// app is type-checked, bundled with esbuild and run under gjs, with a
// threaded() call that must find kaa-worker.js next to the bundle.
import GLib from 'gi://GLib';
import { ROOT, runExample } from './example-child.js';

const SECTION = '## Using kaa in your app';
/** What a fresh clone holds that packing needs (everything but dist/ and node_modules/). */
const CLONE_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'README.md', 'scripts', 'src', 'docs'];

function readText(path: string): string {
    const [, raw] = GLib.file_get_contents(path);
    return new TextDecoder().decode(raw);
}

/**
 * Turns the README section into a bash script: ```sh blocks verbatim (but
 * `npm ci`, which the clone's linked node_modules stands in for), and
 * ```LANG PATH blocks written to PATH where they appear.
 */
function sectionScript(readme: string): { script: string; shBlocks: number; files: string[] } {
    const start = readme.indexOf(SECTION);
    expect(start).withContext(`README.md has no "${SECTION}" section`).toBeGreaterThanOrEqual(0);
    const end = readme.indexOf('\n## ', start + SECTION.length);
    const section = readme.slice(start, end < 0 ? undefined : end);
    const lines: string[] = [];
    const files: string[] = [];
    let shBlocks = 0;
    for (const m of section.matchAll(/^```(\w+)(?: (\S+))?\n([\s\S]*?)^```$/gm)) {
        const [, lang, path, body] = m as unknown as [string, string, string | undefined, string];
        if (path !== undefined) {
            files.push(path);
            lines.push(`cat > ${GLib.shell_quote(path)} <<'KAA_README_EOF'`, body.replace(/\n$/, ''), 'KAA_README_EOF');
        } else if (lang === 'sh') {
            shBlocks++;
            lines.push(...body.split('\n').filter(l => !/^npm ci\b/.test(l)));
        }
    }
    return { script: lines.join('\n'), shBlocks, files };
}

describe('README: using kaa in your app', () => {
    let tmp = '';

    afterEach(() => {
        if (tmp)
            GLib.spawn_command_line_sync(`rm -rf ${GLib.shell_quote(tmp)}`);
        tmp = '';
    });

    it('packs kaa-gjs, installs the tarball into an empty app, type-checks, bundles and runs it with a worker call', async () => {
        // The section is Node tooling around one gjs run: it needs npm and the npm
        // registry (or an npm cache holding the packages), as a user's machine has.
        if (GLib.find_program_in_path('npm') === null)
            throw new Error('npm is not installed here: this spec runs the README\'s npm commands');
        const { script, shBlocks, files } = sectionScript(readText(`${ROOT}/README.md`));
        expect(shBlocks).toBe(3);
        expect(files).toEqual(['tsconfig.json', 'src/main.ts']);

        tmp = GLib.dir_make_tmp('kaa-readme-XXXXXX');
        const clone = `${tmp}/kaa`;
        GLib.mkdir_with_parents(clone, 0o755);
        const copy = await runExample(['cp', '-r', ...CLONE_FILES, clone]);
        expect(copy.status).withContext(copy.stderr).toBe(0);
        GLib.file_set_contents(`${tmp}/readme.sh`, `cd ${GLib.shell_quote(clone)}\n${script}\n`);
        const r = await runExample(['ln', '-s', `${ROOT}/node_modules`, `${clone}/node_modules`]);
        expect(r.status).toBe(0);

        const run = await runExample(['bash', '-e', '-o', 'pipefail', `${tmp}/readme.sh`], {
            cwd: tmp,
            env: {
                KAA_WORKER_HOST: null, // the app must find kaa-worker.js next to its bundle
                npm_config_prefer_offline: 'true', // the npm cache if it has the packages, else the registry
                npm_config_audit: 'false',
                npm_config_fund: 'false',
                npm_config_update_notifier: 'false',
            },
        });
        expect(run.status).withContext(`${run.stdout}\n${run.stderr}`).toBe(0);
        expect(run.stdout.trimEnd().split('\n').pop()).withContext(run.stdout).toBe('7 * 7 = 49');

        const app = `${tmp}/my-app`;
        const lock = JSON.parse(readText(`${app}/package-lock.json`)) as { packages: Record<string, { version?: string }> };
        expect(lock.packages['node_modules/kaa-gjs']?.version).toBe('0.1.0');
        for (const file of ['dist/kaa.js', 'dist/kaa.js.map', 'dist/kaa-lazy.js', 'dist/kaa-lazy.js.map', 'dist/kaa-worker.js', 'dist/types/index.d.ts'])
            expect(GLib.file_test(`${app}/node_modules/kaa-gjs/${file}`, GLib.FileTest.IS_REGULAR)).withContext(file).toBeTrue();
        // kaa ships minified, with a linked source map that names the TypeScript sources
        const kaaJs = readText(`${app}/node_modules/kaa-gjs/dist/kaa.js`);
        expect(kaaJs.split('\n').length).toBeLessThan(20);
        expect(kaaJs.trimEnd().endsWith('//# sourceMappingURL=kaa.js.map')).toBeTrue();
        const map = JSON.parse(readText(`${app}/node_modules/kaa-gjs/dist/kaa.js.map`)) as { sources: string[] };
        expect(map.sources.some(path => path.endsWith('src/notifier/loop.ts'))).toBeTrue();
        const bundle = readText(`${app}/dist/main.js`);
        expect(bundle).not.toMatch(/from ["']kaa-gjs["']/); // kaa is inside the app's bundle
        expect(bundle).toContain('from "gi://GLib"'); // GI stays external
    }, 240000);
});
