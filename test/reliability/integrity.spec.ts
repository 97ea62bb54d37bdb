// Data integrity: large transfers through kaa's IO arrive complete and in
// order. Each spec checksums the bytes at both ends (SHA-1: the producer's
// own sum against the consumer's) and compares the byte counts, so a lost,
// duplicated or reordered chunk fails it. Sizes and times are printed.
import GLib from 'gi://GLib';
import { main } from '../../src/notifier/loop.js';
import { Process } from '../../src/process/index.js';
import type { InProgress } from '../../src/async/inprogress.js';
import { mono, prng, report, rssKiB } from './helpers.js';

const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;

/** Peak RSS of this process so far (VmHWM), KiB. */
function peakRssKiB(): number {
    const [, bytes] = GLib.file_get_contents('/proc/self/status');
    return Number(/VmHWM:\s+(\d+)/.exec(new TextDecoder().decode(bytes))?.[1] ?? 0);
}

/** Loops until `ip` has finished (or `seconds` pass) and returns its result. */
function waitFor<T>(ip: InProgress<T>, seconds: number): T {
    return ip.wait(seconds);
}

describe('data integrity', () => {
    it('carries 1 GiB from a child\'s stdout through a pipe with no byte lost or reordered (SHA-1 at both ends)', () => {
        // The producer: random bytes, checksummed by `sha1sum` as they leave (tee), the sum on stderr.
        const proc = new Process(['bash', '-c', `head -c ${GiB} /dev/urandom | tee >(sha1sum >&2)`]);
        const sum = new GLib.Checksum(GLib.ChecksumType.SHA1);
        let received = 0;
        let stderr = '';
        proc.stdout.signals.read.connect(data => {
            received += data.length;
            sum.update(data);
        });
        proc.stderr.signals.read.connect(data => {
            stderr += new TextDecoder().decode(data);
        });
        const t0 = mono();
        const code = waitFor(proc.start(), 50);
        main.loop(() => proc.state !== 'stopped' || proc.stdout.alive || proc.stderr.alive, 10);
        const seconds = mono() - t0;
        report(`integrity pipe out: ${received} bytes from a child in ${seconds.toFixed(1)} s ` +
            `(${(received / MiB / seconds).toFixed(0)} MiB/s), peak RSS ${peakRssKiB()} KiB, now ${rssKiB()} KiB`);
        expect(code).toBe(0);
        expect(received).toBe(GiB);
        expect(stderr.trim()).toBe(`${sum.get_string()}  -`);
    }, 60000);

    it('carries 1 GiB into a child\'s stdin through a pipe with no byte lost or reordered (SHA-1 at both ends)', () => {
        const proc = new Process(['sha1sum']);
        const sum = new GLib.Checksum(GLib.ChecksumType.SHA1);
        const CHUNK = 256 * 1024;
        const SLOTS = 4; // 4 × 256 KiB in flight: exactly the 1 MiB write queue
        const random = prng(20241125);
        const base = new Uint8Array(CHUNK);
        const words = new Uint32Array(base.buffer);
        for (let i = 0; i < words.length; i++)
            words[i] = Math.floor(random() * 2 ** 32);
        const slots = Array.from({ length: SLOTS }, () => new Uint8Array(CHUNK));
        let out = '';
        proc.stdout.signals.read.connect(data => {
            out += new TextDecoder().decode(data);
        });
        let next = 0;
        let flushed = 0;
        let failure: unknown = null;
        const total = GiB / CHUNK;
        // Each chunk: the random base with the chunk number in its first 4 bytes, so no two are equal.
        const send = (slot: number) => {
            if (next >= total || failure !== null)
                return;
            const chunk = slots[slot];
            chunk.set(base);
            new DataView(chunk.buffer).setUint32(0, next++);
            sum.update(chunk);
            proc.write(chunk).connectBoth(n => {
                flushed += n;
                if (flushed === GiB)
                    proc.stdin.close();
                else
                    send(slot);
            }, error => {
                failure = error;
            });
        };
        const t0 = mono();
        const exited = proc.start();
        for (let s = 0; s < SLOTS; s++)
            send(s);
        const code = waitFor(exited, 50);
        main.loop(() => proc.stdout.alive, 10);
        const seconds = mono() - t0;
        report(`integrity pipe in: ${flushed} bytes into a child in ${seconds.toFixed(1)} s ` +
            `(${(flushed / MiB / seconds).toFixed(0)} MiB/s), peak RSS ${peakRssKiB()} KiB`);
        expect(failure).toBeNull();
        expect(code).toBe(0);
        expect(flushed).toBe(GiB);
        expect(out.trim()).toBe(`${sum.get_string()}  -`);
    }, 60000);
});
