// Memory of a large worker result in the receiving process (issue 13): a
// long string travels as raw UTF-8 and the pipe's chunks are freed while a
// long frame is read, so the main process peaks near twice the payload (the
// frame's bytes and the string), not five times. Measured in a child gjs by
// its peak RSS (VmHWM), never by time.
import { runGjs } from '../support/child.js';

describe('a large worker result', () => {
    it('peaks at about twice its size in the main process (a 64 MiB string, limit 2.5×)', async () => {
        const r = await runGjs(`import GLib from 'gi://GLib';
import system from 'system';
import * as kaa from KAA;
function status() {
    const text = new TextDecoder().decode(GLib.file_get_contents('/proc/self/status')[1]);
    const mib = key => Number(new RegExp(key + ':\\\\s+(\\\\d+)').exec(text)[1]) / 1024;
    return { rss: mib('VmRSS'), hwm: mib('VmHWM') };
}
const MIB = 64;
const pool = new kaa.ThreadPool({ size: 1 });
const make = kaa.threaded(pool)(n => 'x'.repeat(n) + 'é');
make(10).wait(30);
system.gc();
const before = status();
const text = make(MIB * 1024 * 1024).wait(120);
const after = status();
print(JSON.stringify({ length: text.length, last: text.slice(-2), ratio: (after.hwm - before.rss) / MIB }));
pool.stop().wait(10);`);
        expect(r.status).withContext(r.stderr).toBe(0);
        const m = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { length: number; last: string; ratio: number };
        expect(m.length).toBe(64 * 1024 * 1024 + 1);
        expect(m.last).toBe('xé');
        print(`    [memory] peak RSS growth for a 64 MiB string result: ${m.ratio.toFixed(2)}× its size`);
        expect(m.ratio).toBeLessThanOrEqual(2.5);
    }, 120000);
});
