// Soak: a hundred thousand worker calls must not grow
// the process: RSS after a forced GC ends within 10 % of its value after
// warm-up (see soak-support.ts for how it is read).
import { ThreadPool } from '../../src/workers/pool.js';
import { threaded } from '../../src/workers/threaded.js';
import { expectBounded, soakAsync } from './soak-support.js';

describe('soak', () => {
    it('100,000 worker calls (one worker, 16 in flight) keep RSS within 10 % of its warm-up value', () => {
        const pool = new ThreadPool({ size: 1 });
        const add = threaded(pool)((a: number, b: Uint8Array) => a + b.length);
        let wrong = 0;
        const payload = new Uint8Array(64);
        try {
            const r = soakAsync(100_000, 10_000, 16, i => {
                const ip = add(i, payload);
                ip.connect(v => {
                    if (v !== i + 64)
                        wrong++;
                });
                return ip;
            });
            expectBounded('worker calls', r);
            expect(r.failures).toEqual([]);
            expect(r.done).toBe(100_000);
            expect(wrong).toBe(0);
            expect(pool.statistics().spawned).toBe(1);
        } finally {
            pool.stop().wait(10);
        }
    }, 60000);
});
