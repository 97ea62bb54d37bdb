// The worker host (src/workers/host.ts → dist/kaa-worker.js) on its own:
// started by hand on a socket pair, it must refuse a malformed frame clearly (exit
// status 3, a message on stderr) instead of waiting forever.
import Gio from 'gi://Gio';
import { dupSocketFd, socketPair } from '../../src/io/socket-pair.js';
import { unixInputStream } from '../../src/notifier/platform.js';
import { ROOT } from './support.js';

// Started by hand as worker.ts does: its link is one end of a socket pair on fd 3.
function runHost(input: Uint8Array): Promise<{ status: number; stderr: string; stdout: Uint8Array }> {
    const [mine, theirs] = socketPair();
    const launcher = Gio.SubprocessLauncher.new(Gio.SubprocessFlags.STDERR_PIPE);
    launcher.take_fd(dupSocketFd(theirs), 3);
    theirs.close();
    const proc = launcher.spawnv(['/bin/sh', '-c', 'exec 1>&2 gjs -m "$0"', `${ROOT}/dist/kaa-worker.js`]);
    launcher.close();
    if (input.length)
        mine.send(input, null);
    mine.shutdown(false, true);
    return new Promise((resolve, reject) => {
        proc.communicate_async(null, null, (_p, res) => {
            try {
                const [, , stderr] = proc.communicate_finish(res);
                const link = unixInputStream(mine.get_fd(), false);
                const parts: Uint8Array[] = [];
                for (let chunk = link.read_bytes(65536, null).toArray(); chunk.length; chunk = link.read_bytes(65536, null).toArray())
                    parts.push(chunk);
                mine.close();
                const stdout = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
                parts.reduce((at, p) => (stdout.set(p, at), at + p.length), 0);
                resolve({ status: proc.get_exit_status(), stderr: new TextDecoder().decode(stderr?.toArray()), stdout });
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
