// communicate() with a lot of output: the peak memory (VmHWM, reset before
// and read after, with the baseline taken after a GC) stays under twice the
// payload — 100 MiB out of a child, and 100 MiB through `cat` — where it
// was 500–600 MiB over the baseline (bytes kept, concatenated, then decoded
// at once). And the text is right where UTF-8 sequences straddle chunks.
import GLib from 'gi://GLib';
import system from 'system';
import { Process } from '../../src/process/index.js';
import { liveChildren } from '../../src/process/supervisor.js';

const MiB = 1024 * 1024;
const PAYLOAD = 100 * MiB;
/** The bound: twice the payload, counting the text itself (100 MiB of ASCII is a 100 MiB string). */
const LIMIT_MIB = 200;

function statusMiB(field: 'VmRSS' | 'VmHWM'): number {
    const status = new TextDecoder().decode(GLib.file_get_contents('/proc/self/status')[1]);
    return Number(new RegExp(`${field}:\\s*(\\d+) kB`).exec(status)?.[1]) / 1024;
}

/** Starts a new peak: `5` to clear_refs resets VmHWM to the current RSS (Linux >= 4.0). */
function resetPeak(): void {
    const channel = GLib.IOChannel.new_file('/proc/self/clear_refs', 'w');
    channel.write_chars(new TextEncoder().encode('5'), 1);
    channel.shutdown(true);
}

/** Runs `fn` from a fresh peak and a collected baseline; returns the peak over the baseline, MiB. */
async function peakOver(fn: () => Promise<unknown>): Promise<number> {
    system.gc();
    resetPeak();
    const base = statusMiB('VmRSS');
    expect(statusMiB('VmHWM') - base).withContext('the peak was reset').toBeLessThan(8);
    await fn();
    return statusMiB('VmHWM') - base;
}

describe('Process.communicate()', () => {
    afterEach(() => {
        expect(liveChildren()).toBe(0);
    });

    it('takes 100 MiB of output at less than twice its size in memory', async () => {
        let out = '';
        let err = '';
        const over = await peakOver(async () => {
            [out, err] = await new Process(['sh', '-c', `head -c ${PAYLOAD} /dev/zero | tr '\\0' a`]).communicate();
        });
        expect(out.length).toBe(PAYLOAD);
        expect(err).toBe('');
        expect(out.startsWith('aaaa') && out.endsWith('aaaa') && out[PAYLOAD / 2] === 'a').toBeTrue();
        expect(over).withContext(`peak over the baseline, MiB (limit ${LIMIT_MIB})`).toBeLessThan(LIMIT_MIB);
    });

    it('passes 100 MiB through cat at less than twice its size in memory (the input not counted)', async () => {
        const input = new Uint8Array(PAYLOAD).fill(0x62);
        let out = '';
        const over = await peakOver(async () => {
            [out] = await new Process(['cat']).communicate(input);
        });
        expect(out.length).toBe(PAYLOAD);
        expect(out.startsWith('bbbb') && out.endsWith('bbbb') && out[Math.floor(PAYLOAD / 3)] === 'b').toBeTrue();
        expect(over).withContext(`peak over the baseline, MiB (limit ${LIMIT_MIB})`).toBeLessThan(LIMIT_MIB);
    });

    it('decodes UTF-8 sequences that straddle reads, and a cut one at the very end as a whole-buffer decode does (U+FFFD)', async () => {
        const line = 'aé€𝄞\n'; // 1, 2, 3 and 4 bytes: 11 bytes, so reads of 64 KiB cut every kind of sequence
        const lines = 200_000;
        const [out] = await new Process(['sh', '-c', `yes 'aé€𝄞' | head -n ${lines}`]).communicate();
        expect(out.length).toBe(line.length * lines);
        expect(out === line.repeat(lines)).withContext('the text is exact').toBeTrue();
        const [cut, cutErr] = await new Process(['sh', '-c', "printf 'x\\342\\202'; printf 'y\\360\\235' >&2"]).communicate();
        // As a whole-buffer decode has it (GJS 1.74 gives one U+FFFD per byte of a cut sequence).
        const whole = (bytes: number[]) => new TextDecoder().decode(new Uint8Array(bytes));
        expect([cut, cutErr]).toEqual([whole([0x78, 0xe2, 0x82]), whole([0x79, 0xf0, 0x9d])]);
        expect(cut.startsWith('x\uFFFD')).toBeTrue();
    });
});
