// The worker host (src/workers/host.ts → dist/kaa-worker.js) on its own:
// started by hand on a pipe, it must refuse a malformed frame clearly (exit
// status 3, a message on stderr) instead of waiting forever.
import Gio from 'gi://Gio';
import { ROOT } from './support.js';

function runHost(input: Uint8Array): Promise<{ status: number; stderr: string; stdout: Uint8Array }> {
    const proc = Gio.Subprocess.new(['/bin/sh', '-c', 'exec 3>&1 1>&2 gjs -m "$0"', `${ROOT}/dist/kaa-worker.js`],
        Gio.SubprocessFlags.STDIN_PIPE | Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE);
    return new Promise((resolve, reject) => {
        proc.communicate_async(new (imports.gi.GLib.Bytes)(input), null, (_p, res) => {
            try {
                const [, stdout, stderr] = proc.communicate_finish(res);
                resolve({ status: proc.get_exit_status(), stderr: new TextDecoder().decode(stderr?.toArray()), stdout: stdout?.toArray() ?? new Uint8Array(0) });
            } catch (e) {
                reject(e);
            }
        });
    });
}

describe('the worker host', () => {
    it('says HELLO and exits 0 at EOF', async () => {
        const r = await runHost(new Uint8Array(0));
        expect(r.status).toBe(0);
        expect(r.stdout.length).toBeGreaterThan(12); // one HELLO frame
    });

    it('exits with status 3 on a malformed frame, saying why', async () => {
        const r = await runHost(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
        expect(r.status).toBe(3);
        expect(r.stderr).toMatch(/kaa worker \d+: kaa worker protocol: malformed frame \(bad magic/);
    });

    it('exits with status 3 on an oversized frame, without waiting for its bytes', async () => {
        const head = new Uint8Array(12);
        const view = new DataView(head.buffer);
        view.setUint32(0, 0x4b410000, true);
        view.setUint32(4, 16, true);
        view.setUint32(8, 0xfffffff0, true);
        const r = await runHost(head);
        expect(r.status).toBe(3);
        expect(r.stderr).toMatch(/refused \(limit/);
    });
});
