// Process-wide behaviour of kaa.main, each case in its own child gjs process
// running dist/kaa.js: exit statuses, signals, the shutdown sequence, the
// GJS 1.74 promise-continuation trap.
import GLib from 'gi://GLib';
import { runGjs, spawnGjs } from '../support/child.js';

const prelude = `import GLib from 'gi://GLib';
import * as kaa from KAA;
const later = (ms, fn) => new kaa.OneShotTimer(fn).start(ms / 1000);
for (const name of ['init', 'shutdown', 'exit'])
    kaa.signals[name].connect(() => print('signal ' + name));
`;

describe('kaa.main in a process', () => {
    it('returns 0 from run() after stop() and emits init, then shutdown', async () => {
        const r = await runGjs(`${prelude}
later(10, () => kaa.main.stop());
const status = kaa.main.run();
print('status ' + status + ' stopped ' + kaa.main.isStopped() + ' shutting ' + kaa.main.isShuttingDown());`);
        expect(r.stdout).toBe('signal init\nsignal shutdown\nstatus 0 stopped true shutting true\n');
        expect(r.status).toBe(0);
    });

    it('returns the code of a SystemExit thrown from a callback', async () => {
        const r = await runGjs(`${prelude}
later(10, () => { throw new kaa.SystemExit(3); });
print('status ' + kaa.main.run());`);
        expect(r.stdout).toContain('status 3');
    });

    it('returns 143 after SIGTERM and 130 after SIGINT, running the shutdown sequence', async () => {
        for (const [signo, status] of [[15, 143], [2, 130]]) {
            const child = spawnGjs(`${prelude}
later(10, () => print('ready'));
print('status ' + kaa.main.run());`);
            await child.waitFor('ready');
            child.proc.send_signal(signo);
            const r = await child.done;
            expect(r.stdout).toContain('signal shutdown');
            expect(r.stdout).toContain(`status ${status}`);
        }
    });

    it('leaves SIGINT alone with run({sigint: false})', async () => {
        const child = spawnGjs(`${prelude}
later(10, () => print('ready'));
print('status ' + kaa.main.run({sigint: false}));`);
        await child.waitFor('ready');
        child.proc.send_signal(2);
        const r = await child.done;
        expect(r.status).toBe(130);
        expect(r.stdout).not.toContain('status');
    });

    it('stops after one iteration when stop() came before run()', async () => {
        const r = await runGjs(`${prelude}
kaa.main.stop();
print('status ' + kaa.main.run());`);
        expect(r.stdout).toContain('status 0');
        expect(r.status).toBe(0);
    });

    it('rethrows an unhandled callback exception after the shutdown sequence', async () => {
        const r = await runGjs(`${prelude}
later(10, () => { throw new RangeError('boom'); });
try { kaa.main.run(); } catch (e) { print('caught ' + e.name + ': ' + e.message); }`);
        expect(r.stdout).toContain('signal shutdown\ncaught RangeError: boom');
    });

    it('keeps running when an exception handler returns false', async () => {
        const r = await runGjs(`${prelude}
kaa.signals.exception.connect(e => { print('handled ' + e.message); return false; });
later(10, () => { throw new Error('one'); });
later(30, () => kaa.main.stop());
print('status ' + kaa.main.run());`);
        expect(r.stdout).toContain('handled one\nsignal shutdown\nstatus 0');
    });

    it('throws at once, naming runAsync(), when run() is called after an await', async () => {
        const r = await runGjs(`${prelude}
await new Promise(r => setTimeout(r, 5));
try { kaa.main.run(); } catch (e) { print('threw: ' + /runAsync/.test(e.message)); }`);
        expect(r.stdout).toContain('threw: true');
        expect(r.status).toBe(0);
    });

    it('runs the loop from runAsync() after an await, promises included', async () => {
        const r = await runGjs(`${prelude}
await new Promise(r => setTimeout(r, 5));
later(10, async () => { await null; print('promise ran'); kaa.main.stop(); });
const status = await kaa.main.runAsync();
print('status ' + status);`);
        expect(r.stdout).toContain('promise ran\nsignal shutdown\nstatus 0');
    });

    it('refuses a second run() while running', async () => {
        const r = await runGjs(`${prelude}
later(10, () => { try { kaa.main.run(); } catch (e) { print(e.message); } kaa.main.stop(); });
kaa.main.run();`);
        expect(r.stdout).toContain('kaa.main.run(): the main loop is already running');
    });

    it('does not wake up while idle with a timer an hour away', async () => {
        const child = spawnGjs(`${prelude}
new kaa.OneShotTimer(() => kaa.main.stop()).start(3600);
later(10, () => print('ready'));
kaa.main.run();`);
        await child.waitFor('ready');
        await new Promise(r => setTimeout(r, 300));
        const switches = () => {
            const [, raw] = GLib.file_get_contents(`/proc/${child.pid}/task/${child.pid}/status`);
            const text = new TextDecoder().decode(raw);
            return Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(text)?.[1]);
        };
        const before = switches();
        await new Promise(r => setTimeout(r, 2000));
        const after = switches();
        child.proc.send_signal(15);
        await child.done;
        expect(after - before).toBe(0);
    });

    it('ends the process with exit(code) after shutdown and the exit signal', async () => {
        const r = await runGjs(`${prelude}
later(10, () => kaa.main.exit(7));
kaa.main.run();
print('not reached');`);
        expect(r.stdout).toBe('signal init\nsignal shutdown\nsignal exit\n');
        expect(r.status).toBe(7);
    });
});
