// examples/gnome-app, as a GNOME app is built and run: `meson setup
// --prefix=TMP` and `meson install` put the `gjs -m` launcher, the .desktop
// file and the GResource (the app and kaa, bundled) under the prefix; the
// installed launcher runs under the runner's Xvfb and D-Bus session, the
// window shows a kaa Timer's ticks, a kaa Process's output and a threaded()
// result computed in a worker whose host is loaded from resource:///, the app
// saves a PNG of its window (KAA_DEMO_SCREENSHOT) and exits 0, leaving no
// worker behind.
import Gdk from 'gi://Gdk?version=4.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { expectOk, ROOT, runExample, sleep } from './example-child.js';

const APP_ID = 'org.example.KaaDemo';

let tmp = '';
let prefix = '';

function text(path: string): string {
    return new TextDecoder().decode(GLib.file_get_contents(path)[1]);
}

function gone(pid: number): boolean {
    try {
        return /\) Z /.test(text(`/proc/${pid}/stat`));
    } catch {
        return true;
    }
}

describe('examples/gnome-app', () => {
    beforeAll(async () => {
        tmp = GLib.dir_make_tmp('kaa-gnome-app-XXXXXX');
        prefix = `${tmp}/prefix`;
        expectOk(await runExample(['meson', 'setup', `${tmp}/build`, `${ROOT}/examples/gnome-app`, `--prefix=${prefix}`]), 'meson setup');
        expectOk(await runExample(['meson', 'install', '-C', `${tmp}/build`, '--quiet']), 'meson install');
    }, 180000);

    afterAll(() => {
        if (tmp)
            GLib.spawn_command_line_sync(`rm -rf ${GLib.shell_quote(tmp)}`);
    });

    it('installs a gjs -m launcher, a .desktop file, and a GResource holding the app and every .js file of kaa\'s dist/', () => {
        // Nothing else: no kaa-worker.js file for workers to fall back on.
        const [, out] = GLib.spawn_command_line_sync(`find ${GLib.shell_quote(prefix)} -type f -printf '%P\\n'`);
        expect(new TextDecoder().decode(out ?? new Uint8Array(0)).trim().split('\n').sort()).toEqual([
            `bin/${APP_ID}`, `share/${APP_ID}/${APP_ID}.src.gresource`, `share/applications/${APP_ID}.desktop`].sort());
        const launcher = `${prefix}/bin/${APP_ID}`;
        expect(GLib.file_test(launcher, GLib.FileTest.IS_EXECUTABLE)).withContext(launcher).toBeTrue();
        const source = text(launcher);
        expect(source.split('\n')[0]).toBe('#!/usr/bin/env -S gjs -m');
        expect(source).toContain(`Gio.Resource.load(\`\${PKGDATADIR}/${APP_ID}.src.gresource\`)._register();`);
        expect(source).toContain(`'${prefix}/share/${APP_ID}'`);
        expect(source).toContain("import('resource:///org/example/KaaDemo/js/main.js')");
        const desktop = text(`${prefix}/share/applications/${APP_ID}.desktop`);
        expect(desktop).toMatch(/^\[Desktop Entry\]$/m);
        expect(desktop).toMatch(new RegExp(`^Exec=${APP_ID.replace(/\./g, '\\.')}$`, 'm'));
        const resource = Gio.Resource.load(`${prefix}/share/${APP_ID}/${APP_ID}.src.gresource`);
        const files = resource.enumerate_children('/org/example/KaaDemo/js', Gio.ResourceLookupFlags.NONE).sort();
        const dist = Gio.File.new_for_path(`${ROOT}/dist`).enumerate_children('standard::name', Gio.FileQueryInfoFlags.NONE, null);
        const kaaFiles: string[] = [];
        for (let info = dist.next_file(null); info; info = dist.next_file(null)) {
            if (info.get_name().endsWith('.js'))
                kaaFiles.push(info.get_name());
        }
        expect(kaaFiles).toContain('kaa-worker.js');
        expect(files).toEqual([...kaaFiles, 'main.js'].sort());
    });

    it('runs from the prefix: timer, process and worker results in the window, a screenshot, exit 0, no worker left', async () => {
        const shot = `${tmp}/screenshot.png`;
        const r = await runExample([`${prefix}/bin/${APP_ID}`], {
            cwd: tmp, // nothing from the checkout
            env: { KAA_DEMO_SCREENSHOT: shot, KAA_WORKER_HOST: null, GTK_A11Y: 'none' },
        });
        expectOk(r, 'the installed app');
        expect(r.stdout).toMatch(/^timer: ([3-9]|\d\d+) ticks \(\d\d:\d\d:\d\d\)$/m);
        expect(r.stdout).toMatch(/^process: hello from Linux, pid \d+$/m);
        const worker = /^worker: 17984 primes below 200000 \(worker pid (\d+)\)$/m.exec(r.stdout);
        expect(worker).withContext(r.stdout + r.stderr).not.toBeNull();
        expect(r.stdout).toContain(`screenshot: ${shot}\n`);

        const [, png] = GLib.file_get_contents(shot);
        expect(Array.from(png.slice(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
        const texture = Gdk.Texture.new_from_filename(shot);
        expect(texture.get_width()).toBeGreaterThanOrEqual(300);
        expect(texture.get_height()).toBeGreaterThanOrEqual(150);

        const pid = Number(worker?.[1]);
        for (let i = 0; i < 50 && !gone(pid); i++)
            await sleep(0.1);
        expect(gone(pid)).withContext(`worker ${pid} still running`).toBeTrue();
    }, 60000);
});
