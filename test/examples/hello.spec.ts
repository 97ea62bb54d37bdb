// examples/hello: the simplest program runs until Ctrl-C and returns the
// exit status of kaa.main.run().
import { spawnExample } from './example-child.js';

describe('examples/hello', () => {
    it('ticks once a second and exits with status 130 after SIGINT', async () => {
        const child = spawnExample(['gjs', '-m', 'examples/hello/main.js']);
        expect(await child.waitFor('tick 1', 10)).toBe('tick 1');
        child.kill(2);
        const r = await child.done;
        expect(r.status).toBe(130);
        expect(r.stdout).toMatch(/stopped after \d+ tick\(s\), exit status 130\n$/);
        expect(r.stderr).toBe('');
    });

    it('exits with status 143 after SIGTERM', async () => {
        const child = spawnExample(['gjs', '-m', 'examples/hello/main.js']);
        await child.waitFor('tick 1', 10); // the loop runs: SIGTERM is kaa's now
        child.kill(15);
        const r = await child.done;
        expect(r.status).toBe(143);
        expect(r.stdout).toContain('exit status 143');
    });
});
