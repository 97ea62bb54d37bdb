// examples/bundled: an app importing kaa as an npm package ('kaa-gjs', through
// package.json `exports`) type-checks against dist/types, bundles with
// esbuild, and runs under gjs — its threaded() call loads kaa-lazy.js and
// finds kaa-worker.js, both next to the bundle.
import GLib from 'gi://GLib';
import { runExample } from './example-child.js';

describe('examples/bundled', () => {
    it("type-checks and bundles `import * as kaa from 'kaa-gjs'` with esbuild, and the bundle runs", async () => {
        const dir = GLib.dir_make_tmp('kaa-bundled-XXXXXX');
        const out = `${dir}/main.js`;
        try {
            const built = await runExample(['node', 'examples/bundled/build.mjs', out]);
            expect(built.status).withContext(built.stdout + built.stderr).toBe(0);
            expect(GLib.file_test(`${dir}/kaa-worker.js`, GLib.FileTest.IS_REGULAR)).toBeTrue();
            expect(GLib.file_test(`${dir}/kaa-lazy.js`, GLib.FileTest.IS_REGULAR)).toBeTrue();
            const r = await runExample(['gjs', '-m', out], { env: { KAA_WORKER_HOST: null } });
            expect(r.status).withContext(r.stderr).toBe(0);
            expect(r.stdout).toBe('progress 1/3\nprogress 2/3\nprogress 3/3\nbundled app done: 6\n');
            const [, raw] = GLib.file_get_contents(out);
            const text = new TextDecoder().decode(raw);
            expect(text).not.toMatch(/from ["']kaa-gjs["']/); // kaa is inside the bundle
            expect(text).toContain('from "gi://GLib"'); // GI stays external
            // Its worker failing (no host next to the bundle): the error callback's SystemExit(1) ends it with 1.
            GLib.unlink(`${dir}/kaa-worker.js`);
            const failed = await runExample(['gjs', '-m', out], { env: { KAA_WORKER_HOST: null } });
            expect(failed.status).withContext(failed.stderr).toBe(1);
            expect(failed.stderr).toContain('cannot find the worker host');
            // No kaa-lazy.js next to the bundle: the first threaded() call throws, saying what to copy.
            GLib.unlink(`${dir}/kaa-lazy.js`);
            const noLazy = await runExample(['gjs', '-m', out], { env: { KAA_WORKER_HOST: null } });
            expect(noLazy.status).not.toBe(0);
            expect(noLazy.stderr).toContain('copy kaa-lazy.js from kaa\'s dist/ next to your bundle');
        } finally {
            GLib.spawn_command_line_sync(`rm -rf ${GLib.shell_quote(dir)}`);
        }
    }, 60000);
});
