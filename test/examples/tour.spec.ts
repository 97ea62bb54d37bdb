// examples/tour (what `npm start` runs): every section of this build runs
// and the tour exits 0 within a few seconds.
import { runExample } from './example-child.js';

describe('examples/tour', () => {
    it('runs every live section and exits 0', async () => {
        const r = await runExample(['gjs', '-m', 'examples/tour/main.js']);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/tour done: \d of 7 sections live/);
        for (const line of ['signal: Alice opened the door', 'timer: 5 ticks', 'coroutine: liftoff', 'InProgress.all: ["a","b"]'])
            expect(r.stdout).toContain(line);
        expect(r.stdout).toContain('100% ');
    }, 60000);
});
