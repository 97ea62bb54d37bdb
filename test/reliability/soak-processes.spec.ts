// Soak: spawning thousands of child processes must not grow
// the process: RSS after a forced GC ends within 10 % of its value after
// warm-up (see soak-support.ts for how it is read).
import { main } from '../../src/notifier/loop.js';
import { Process } from '../../src/process/index.js';
import { expectBounded, soakAsync } from './soak-support.js';

describe('soak', () => {
    it('2,000 process spawns (/bin/true, 4 at a time) keep RSS within 10 % of its warm-up value', () => {
        let nonZero = 0;
        const r = soakAsync(2000, 200, 4, () => {
            const ip = new Process(['true']).start();
            ip.connect(code => {
                if (code !== 0)
                    nonZero++;
            });
            return ip;
        });
        expectBounded('process spawns', r);
        expect(r.failures).toEqual([]);
        expect(r.done).toBe(2000);
        expect(nonZero).toBe(0);
        expect(main.statistics().live.processes).toBe(0);
    }, 60000);
});
