// examples/host-driven under the runner's Xvfb: kaa's 'thread' backend
// inside a Gtk.Application.run() the app calls itself. Whoever ends the
// program — kaa, the host's window, or SIGTERM — kaa's shutdown runs once
// and stops the app's child process.
import { runExample, spawnExample } from './example-child.js';

const argv = ['gjs', '-m', 'examples/host-driven/main.js'];

describe('examples/host-driven', () => {
    it('ticks in the host loop; kaa.main.stop() runs kaa shutdown and quits the application', async () => {
        const r = await runExample(argv, { env: { KAA_DEMO_TICKS: '3', KAA_DEMO_END: 'kaa', GTK_A11Y: 'none' } });
        expect(r.status).withContext(r.stderr).toBe(0);
        expect(r.stdout).toBe('tick 1\ntick 2\ntick 3\nkaa shutdown\nhelper exited -15\nkaa asked the host to quit\nthe application returned 0\n');
    }, 30000);

    it('runs kaa shutdown after the application ended by itself (window closed)', async () => {
        const r = await runExample(argv, { env: { KAA_DEMO_TICKS: '2', KAA_DEMO_END: 'window', GTK_A11Y: 'none' } });
        expect(r.status).withContext(r.stderr).toBe(0);
        expect(r.stdout).toBe('tick 1\ntick 2\nthe application returned 0\nkaa shutdown\nhelper exited -15\n');
    }, 30000);

    it('handles SIGTERM through kaa: shutdown, then the host quits', async () => {
        const child = spawnExample(argv, { env: { GTK_A11Y: 'none' } });
        await child.waitFor('tick 1');
        child.kill(15);
        const r = await child.done;
        expect(r.status).withContext(r.stderr).toBe(0);
        expect(r.stdout).toMatch(/^(tick \d+\n)+kaa shutdown\nhelper exited -15\nkaa asked the host to quit\nthe application returned 0\n$/);
    }, 30000);
});
