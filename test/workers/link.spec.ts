// The worker link (io/link.ts over a socket pair): large binary values are
// written from where they are, yet a call's arguments stay a snapshot taken
// at the call; frames larger than the socket's buffers cross whole both
// ways; and a worker that waits for frames between calls still serves its
// own timers, callMain and async functions.
import { expose } from '../../src/workers/main-calls.js';
import { ThreadPool } from '../../src/workers/pool.js';
import { threaded } from '../../src/workers/threaded.js';
import { stopWorkers } from './support.js';

declare const kaa: typeof import('../../src/index.js');

function filled(length: number, value: number): Uint8Array {
    return new Uint8Array(length).fill(value);
}

describe('the worker link', () => {
    afterEach(() => stopWorkers());
    afterEach(() => expose('linkSpec', null));

    it('sends a large argument as it was at the call, whether a worker takes the call at once or later', async () => {
        const pool = new ThreadPool({ size: 1 });
        const sum = threaded(pool)((data: Uint8Array) => data.reduce((s, b) => s + b, 0));
        const busy = threaded(pool)((ms: number) => imports.gi.GLib.usleep(ms * 1000));
        await sum(filled(16, 1));
        const atOnce = filled(1 << 20, 1);
        const first = sum(atOnce);
        atOnce.fill(2); // the call went out already
        expect(await first).toBe(1 << 20);
        const running = busy(200);
        const queued = filled(1 << 20, 1);
        const later = sum(queued);
        queued.fill(3); // the call still waits for the worker
        await running;
        expect(await later).toBe(1 << 20);
    }, 30000);

    it('carries frames far larger than the socket buffers both ways, intact', async () => {
        const pool = new ThreadPool({ size: 1 });
        const echo = threaded(pool)((data: Uint8Array) => data.map(b => b ^ 0xff));
        const data = new Uint8Array(24 * 1024 * 1024);
        for (let i = 0; i < data.length; i += 4099)
            data[i] = i & 0xff;
        const [a, b] = await Promise.all([echo(data), echo(data.subarray(7, 7 + 5 * 1024 * 1024))]) as Uint8Array[];
        expect(a.length).toBe(data.length);
        expect(b.length).toBe(5 * 1024 * 1024);
        for (let i = 0; i < data.length; i += 4099)
            expect(a[i]).toBe(data[i] ^ 0xff);
        expect(b[4092]).toBe(data[4099] ^ 0xff);
    }, 60000);

    it('lets a worker that waits for frames serve its timers and callMain between calls', async () => {
        const pool = new ThreadPool({ size: 1 });
        let pinged: (n: number) => void = () => undefined;
        const ping = new Promise<number>(resolve => (pinged = resolve));
        expose('linkSpec', (n: number) => pinged(n));
        const later = threaded(pool)(() => {
            new kaa.OneShotTimer(() => kaa.callMain('linkSpec', 42)).start(0.3);
            return 'armed';
        });
        expect(await later()).toBe('armed');
        expect(await ping).toBe(42); // no other frame comes: the worker's loop ran the timer
        const asyncFn = threaded(pool)(async (x: number) => {
            await new Promise(resolve => new kaa.OneShotTimer(() => resolve(null)).start(0.05));
            return (await kaa.callMain('linkSpec', x)) ?? x;
        });
        expect(await asyncFn(7)).toBe(7);
    }, 30000);
});
