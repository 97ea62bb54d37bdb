// Data integrity: large transfers through kaa's IO arrive complete and in
// order. Each spec checksums the bytes at both ends (SHA-1: the producer's
// own sum against the consumer's) and compares the byte counts, so a lost,
// duplicated or reordered chunk fails it. Sizes and times are printed.
import GLib from 'gi://GLib';
import { main } from '../../src/notifier/loop.js';
import { Process } from '../../src/process/index.js';
import { Socket } from '../../src/io/index.js';
import type { InProgress } from '../../src/async/inprogress.js';
import { mono, prng, report, rssKiB } from './helpers.js';

const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;

/** Peak RSS of this process so far (VmHWM), KiB. */
function peakRssKiB(): number {
    const [, bytes] = GLib.file_get_contents('/proc/self/status');
    return Number(/VmHWM:\s+(\d+)/.exec(new TextDecoder().decode(bytes))?.[1] ?? 0);
}

/** Random bytes from the seeded PRNG. */
function randomBytes(seed: number, length: number): Uint8Array {
    const random = prng(seed);
    const bytes = new Uint8Array(length);
    const words = new Uint32Array(bytes.buffer);
    for (let i = 0; i < words.length; i++)
        words[i] = Math.floor(random() * 2 ** 32);
    return bytes;
}

/**
 * Writes `total` bytes to `write` in numbered chunks (a random base with the
 * chunk number in its first 4 bytes), `slots` chunks in flight, each chunk
 * added to `sum` as it is sent. Returns the bytes flushed so far and the first failure.
 */
function sendNumberedChunks(write: (chunk: Uint8Array) => InProgress<number>, total: number, sum: GLib.Checksum,
    onDone: () => void): { flushed: () => number; failure: () => unknown } {
    const CHUNK = 256 * 1024;
    const SLOTS = 4; // 4 × 256 KiB in flight: exactly the 1 MiB write queue
    const base = randomBytes(20241125, CHUNK);
    const slots = Array.from({ length: SLOTS }, () => new Uint8Array(CHUNK));
    const count = total / CHUNK;
    let next = 0;
    let flushed = 0;
    let failure: unknown = null;
    const send = (slot: number) => {
        if (next >= count || failure !== null)
            return;
        const chunk = slots[slot];
        chunk.set(base);
        new DataView(chunk.buffer).setUint32(0, next++);
        sum.update(chunk);
        write(chunk).connectBoth(n => {
            flushed += n;
            if (flushed === total)
                onDone();
            else
                send(slot);
        }, error => {
            failure = error;
        });
    };
    for (let s = 0; s < SLOTS; s++)
        send(s);
    return { flushed: () => flushed, failure: () => failure };
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
        // Bounded memory: GJS keeps read buffers until a GC, and a naive read_bytes loop reaches ~1.1 GiB here.
        expect(peakRssKiB()).withContext('peak RSS, KiB').toBeLessThan(512 * 1024);
    }, 60000);

    it('carries 1 GiB into a child\'s stdin through a pipe with no byte lost or reordered (SHA-1 at both ends)', () => {
        const proc = new Process(['sha1sum']);
        const sum = new GLib.Checksum(GLib.ChecksumType.SHA1);
        let out = '';
        proc.stdout.signals.read.connect(data => {
            out += new TextDecoder().decode(data);
        });
        const t0 = mono();
        const exited = proc.start();
        const sending = sendNumberedChunks(chunk => proc.write(chunk), GiB, sum, () => void proc.stdin.close());
        const code = waitFor(exited, 50);
        main.loop(() => proc.stdout.alive, 10);
        const seconds = mono() - t0;
        const flushed = sending.flushed();
        report(`integrity pipe in: ${flushed} bytes into a child in ${seconds.toFixed(1)} s ` +
            `(${(flushed / MiB / seconds).toFixed(0)} MiB/s), peak RSS ${peakRssKiB()} KiB`);
        expect(sending.failure()).toBeNull();
        expect(code).toBe(0);
        expect(flushed).toBe(GiB);
        expect(out.trim()).toBe(`${sum.get_string()}  -`);
    }, 60000);

    it('carries 256 MiB through a loopback TCP echo with no byte lost or reordered (SHA-1 of sent, echoed-at-server, received)', () => {
        const TOTAL = 256 * MiB;
        const server = new Socket();
        server.listen('127.0.0.1:0');
        const port = (server.local as { port: number }).port;
        const serverSum = new GLib.Checksum(GLib.ChecksumType.SHA1);
        let atServer = 0;
        let peer: Socket | null = null;
        // The server echoes with backpressure: it pulls the next chunk only while its write queue has room.
        server.signals.newClient.connect(s => {
            peer = s;
            let reading = false;
            const pull = () => {
                while (!reading && s.alive && s.writeQueueUsed + 65536 <= s.queueSize) {
                    reading = true;
                    s.read().connect(data => {
                        reading = false;
                        if (!data.length)
                            return;
                        atServer += data.length;
                        serverSum.update(data);
                        s.write(data).connect(pull);
                        pull();
                    });
                }
            };
            pull();
        });
        const client = new Socket();
        const sentSum = new GLib.Checksum(GLib.ChecksumType.SHA1);
        const receivedSum = new GLib.Checksum(GLib.ChecksumType.SHA1);
        let received = 0;
        client.signals.read.connect(data => {
            received += data.length;
            receivedSum.update(data);
        });
        try {
            const t0 = mono();
            client.connect(`127.0.0.1:${port}`).wait(10);
            const sending = sendNumberedChunks(chunk => client.write(chunk), TOTAL, sentSum, () => undefined);
            main.loop(() => received < TOTAL && sending.failure() === null && client.alive, 50);
            const seconds = mono() - t0;
            report(`integrity tcp echo: ${received} bytes there and back in ${seconds.toFixed(1)} s ` +
                `(${(2 * received / MiB / seconds).toFixed(0)} MiB/s both ways), peak RSS ${peakRssKiB()} KiB`);
            expect(sending.failure()).toBeNull();
            expect(sending.flushed()).toBe(TOTAL);
            expect(atServer).toBe(TOTAL);
            expect(received).toBe(TOTAL);
            expect(serverSum.get_string()).toBe(sentSum.get_string());
            expect(receivedSum.get_string()).toBe(sentSum.get_string());
        } finally {
            client.close({ immediate: true });
            (peer as Socket | null)?.close({ immediate: true });
            server.close();
        }
    }, 60000);
});
