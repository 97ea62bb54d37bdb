// meson: `meson setup` + `meson install` into a temporary prefix put kaa's
// bundle under <datadir>/kaa and the kaa-watch launcher into <bindir>; the
// installed tool finds the bundle (under the prefix, and relative to itself
// when the installation is staged with --destdir) and works.
import GLib from 'gi://GLib';
import { expectOk, ROOT, runExample, spawnExample } from './example-child.js';

let tmp = '';
let build = '';
let prefix = '';

function isFile(path: string): boolean {
    return GLib.file_test(path, GLib.FileTest.IS_REGULAR);
}

describe('meson install', () => {
    beforeAll(async () => {
        tmp = GLib.dir_make_tmp('kaa-meson-XXXXXX');
        build = `${tmp}/build`;
        prefix = `${tmp}/prefix`;
        const r = await runExample(['meson', 'setup', build, ROOT, `--prefix=${prefix}`]);
        expectOk(r, 'meson setup');
    }, 60000);

    afterAll(() => {
        if (tmp)
            GLib.spawn_command_line_sync(`rm -rf ${GLib.shell_quote(tmp)}`);
    });

    it('stages with --destdir a launcher that finds the bundle relative to itself', async () => {
        const stage = `${tmp}/stage`;
        expectOk(await runExample(['meson', 'install', '-C', build, '--destdir', stage, '--quiet']), 'meson install --destdir');
        const staged = `${stage}${prefix}`;
        expect(isFile(`${staged}/share/kaa/kaa.js`)).toBeTrue();
        expect(isFile(`${prefix}/share/kaa/kaa.js`)).toBeFalse(); // nothing outside the stage yet
        const r = await runExample([`${staged}/bin/kaa-watch`, '--help']);
        expectOk(r, 'staged kaa-watch --help');
        expect(r.stdout).toContain('Usage: kaa-watch');
    }, 60000);

    it('installs the bundles under <datadir>/kaa and an executable gjs -m launcher into <bindir>', async () => {
        expectOk(await runExample(['meson', 'install', '-C', build, '--quiet']), 'meson install');
        for (const file of ['share/kaa/kaa.js', 'share/kaa/kaa.js.map', 'share/kaa-watch/watch.js', 'bin/kaa-watch'])
            expect(isFile(`${prefix}/${file}`)).withContext(file).toBeTrue();
        expect(isFile(`${prefix}/share/kaa/kaa-worker.js`)).toBeTrue();
        expect(GLib.file_test(`${prefix}/bin/kaa-watch`, GLib.FileTest.IS_EXECUTABLE)).toBeTrue();
        const [, raw] = GLib.file_get_contents(`${prefix}/bin/kaa-watch`);
        const text = new TextDecoder().decode(raw);
        expect(text.split('\n')[0]).toMatch(/^#!\/\S*gjs -m$/);
        expect(text).toContain(`'${prefix}/share'`);
        const usage = await runExample([`${prefix}/bin/kaa-watch`]);
        expect(usage.status).toBe(2);
        expect(usage.stderr).toContain('kaa-watch: no directory given');
    }, 60000);

    it('runs a threaded() call from the installed bundle: the worker host is found under the prefix', async () => {
        const script = `${tmp}/uses-installed-kaa.js`;
        GLib.file_set_contents(script, `import system from 'system';
import * as kaa from ${JSON.stringify(GLib.filename_to_uri(`${prefix}/share/kaa/kaa.js`, null))};
kaa.threaded()(function (a, b) { return a * b; })(6, 7).connectBoth(v => {
    print('answer ' + v);
    kaa.main.stop();
}, e => { printerr(e); throw new kaa.SystemExit(1); });
system.exit(kaa.main.run());
`);
        const r = await runExample(['gjs', '-m', script], { env: { KAA_WORKER_HOST: null } });
        expectOk(r, 'installed bundle');
        expect(r.stdout).toBe('answer 42\n');
    }, 30000);

    it('runs the installed kaa-watch: a change in the directory runs the command once', async () => {
        const dir = `${tmp}/watched`;
        GLib.mkdir_with_parents(dir, 0o755);
        const child = spawnExample([`${prefix}/bin/kaa-watch`, '--max-runs', '1', '--debounce', '0.2', dir, '--',
            'sh', '-c', 'echo "ran in $(basename "$PWD"): $(ls)"'], { cwd: dir });
        await child.waitFor(`kaa-watch: watching ${dir}`);
        GLib.file_set_contents(`${dir}/a.txt`, 'one');
        GLib.file_set_contents(`${dir}/b.txt`, 'two');
        const r = await child.done;
        expectOk(r, 'kaa-watch');
        expect(r.stdout).toContain('kaa-watch: running sh -c');
        expect(r.stdout).toContain('(a.txt, b.txt)');
        expect(r.stdout).toContain('ran in watched: a.txt\nb.txt\nkaa-watch: exit 0\n');
        expect(r.stdout.match(/kaa-watch: running/g)?.length).toBe(1);
    }, 30000);
});
