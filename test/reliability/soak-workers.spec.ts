// Soak: a hundred thousand worker calls, with binaries of 0 to 96 bytes both
// ways, must lose no call and must not grow the process: RSS after a forced
// GC ends within 10 % of its value after warm-up (see soak-support.ts for how
// it is read).
import { ThreadPool } from '../../src/workers/pool.js';
import { threaded } from '../../src/workers/threaded.js';
import { report } from './helpers.js';
import { expectBounded, soakAsync } from './soak-support.js';

describe('soak', () => {
    it('100,000 worker calls (one worker, 16 in flight) keep RSS within 10 % of its warm-up value', () => {
        const pool = new ThreadPool({ size: 1 });
        // Binary sizes 0…96 both ways: an empty Uint8Array once killed the worker (issue 13).
        const add = threaded(pool)((a: number, b: Uint8Array) => [a + b.length, new Uint8Array(b.length % 5)]);
        let wrong = 0;
        const payloads = Array.from({ length: 97 }, (_, n) => new Uint8Array(n));
        try {
            const r = soakAsync(100_000, 10_000, 16, i => {
                const n = i % payloads.length;
                const ip = add(i, payloads[n]);
                ip.connect(([sum, back]) => {
                    if (sum !== i + n || !(back instanceof Uint8Array) || back.length !== n % 5)
                        wrong++;
                });
                return ip;
            });
            expectBounded('worker calls', r);
            const lost = 100_000 - r.done;
            report(`soak worker calls: ${lost} lost, ${wrong} wrong`);
            expect(r.failures).toEqual([]);
            expect(lost).withContext('lost worker calls').toBe(0);
            expect(wrong).toBe(0);
            expect(pool.statistics().spawned).toBe(1);
        } finally {
            pool.stop().wait(10);
        }
    }, 60000);
});
