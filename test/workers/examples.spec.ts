// The worker examples run as their users would run them:
// examples/hash (a CLI hashing files in worker processes) and
// examples/gobject-worker (a Gio.FileMonitor living in the GObject worker).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { ROOT } from './support.js';

function run(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    const proc = Gio.Subprocess.new(['gjs', '-m', ...argv], Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE);
    return new Promise((resolve, reject) => {
        proc.communicate_utf8_async(null, null, (_p, res) => {
            try {
                const [, stdout, stderr] = proc.communicate_utf8_finish(res);
                resolve({ status: proc.get_exit_status(), stdout: stdout ?? '', stderr: stderr ?? '' });
            } catch (e) {
                reject(e);
            }
        });
    });
}

describe('the worker examples', () => {
    it('hash: prints the digests of its files in order, and fails for a missing one', async () => {
        const dir = GLib.dir_make_tmp('kaa-hash-XXXXXX');
        const files = [0, 1, 2].map(i => `${dir}/f${i}`);
        const contents = [new Uint8Array(3 << 20).fill(7), new TextEncoder().encode('hello\n'), new Uint8Array(0)];
        files.forEach((f, i) => GLib.file_set_contents(f, contents[i]));
        const r = await run([`${ROOT}/examples/hash/main.js`, ...files, `${dir}/missing`]);
        const expected = files.map((f, i) => `${GLib.compute_checksum_for_data(GLib.ChecksumType.SHA256, contents[i])}  ${f}`);
        expect(r.stdout).toBe(`${expected.join('\n')}\n`);
        expect(r.stderr).toMatch(/kaa-hash: .*missing: .*No such file/);
        expect(r.stderr).toContain('100% 4/4 files');
        expect(r.status).toBe(1);
        GLib.spawn_command_line_sync(`rm -rf ${dir}`);
    });

    it('gobject-worker: reports the file events its monitor saw in the worker', async () => {
        const r = await run([`${ROOT}/examples/gobject-worker/main.js`]);
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/the GObject worker \(pid \d+\) watches/);
        for (const event of ['created +a.txt', 'renamed +a.txt -> b.txt', 'deleted +b.txt'])
            expect(r.stdout).toMatch(new RegExp(event));
        expect(r.stdout).toMatch(/the monitor saw \d+ events in all/);
    });
});
