// examples/tour (what `npm start` runs): every section of this build runs
// and the tour exits 0 within a few seconds.
import { runExample } from './example-child.js';

describe('examples/tour', () => {
    it('runs all seven sections and exits 0', async () => {
        const r = await runExample(['gjs', '-m', 'examples/tour/main.js']);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        expect(r.stdout).toContain('tour done: 7 of 7 sections live (signals, timers, coroutine, InProgress, process, socket, worker)\n');
        for (const line of [
            'signal: Alice opened the door', 'timer: 5 ticks', 'coroutine: liftoff', 'InProgress.all: ["a","b"]',
            'process stdout: line 3', 'process: exited with 3', 'socket: echo: hello kaa',
            'worker: 17984 primes below 200000, counted in a worker process',
        ])
            expect(r.stdout).toContain(line);
        expect(r.stdout).not.toContain('skipped');
        expect(r.stdout).toContain('100% ');
    }, 60000);
});
