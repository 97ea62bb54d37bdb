// Workers and the end of the main process, each case in a child gjs program
// running dist/kaa.js (test/support/child.ts): no worker outlives main.stop(),
// SIGTERM, or even SIGKILL of its parent.
import { runGjs, spawnGjs } from '../support/child.js';
import { delay } from '../../src/async/index.js';
import { processAlive } from './support.js';

// Starts an idle pool worker, a busy one and the GObject worker, prints their pids.
const program = `import * as kaa from KAA;
const pool = new kaa.ThreadPool({ size: 2 });
const f = kaa.threaded(pool)(ms => {
    imports.gi.GLib.usleep(ms * 1000);
    return new imports.gi.Gio.Credentials().get_unix_pid();
});
new kaa.OneShotTimer(async () => {
    const busy = f(60000);
    const idle = await f(0);
    busy.connectBoth(() => print('busy finished'), e => print('busy failed ' + e.name));
    await kaa.gobjectSetThreaded();
    const gobject = await kaa.threaded(kaa.GOBJECT)(() => new imports.gi.Gio.Credentials().get_unix_pid())();
    await kaa.delay(0.1);
    print('pids ' + [idle, busy.pid, gobject].join(' '));
    if (ARGV[0] === 'stop')
        kaa.main.stop();
}).start(0);
const status = kaa.main.run();
print('status ' + status + ' live ' + kaa.main.statistics().live.workers);
`;

function pidsOf(line: string): number[] {
    return line.replace(/^.*pids /, '').trim().split(' ').map(Number);
}

async function allGone(pids: number[], seconds = 3): Promise<boolean> {
    for (let waited = 0; waited < seconds && pids.some(processAlive); waited += 0.05)
        await delay(0.05);
    return !pids.some(processAlive);
}

describe('workers at the end of the main process', () => {
    it('are all stopped by main.stop(); in-flight calls fail with WorkerError', async () => {
        const r = await runGjs(program.replace("ARGV[0] === 'stop'", 'true'));
        expect(r.stdout).toMatch(/pids \d+ \d+ \d+/);
        const pids = pidsOf(r.stdout.split('\n').find(l => l.startsWith('pids')) as string);
        expect(new Set(pids).size).toBe(3);
        expect(r.stdout).toContain('busy failed WorkerError');
        expect(r.stdout).toContain('status 0 live 0');
        expect(r.status).toBe(0);
        expect(await allGone(pids, 0.5)).toBeTrue();
    });

    it('are all stopped when the parent gets SIGTERM', async () => {
        const child = spawnGjs(program);
        const pids = pidsOf(await child.waitFor('pids'));
        expect(pids.every(processAlive)).toBeTrue();
        child.proc.send_signal(15);
        const r = await child.done;
        expect(r.stdout).toContain('status 143 live 0');
        expect(await allGone(pids, 0.5)).toBeTrue();
    });

    it('die with a parent killed outright, busy or not', async () => {
        const child = spawnGjs(program);
        const pids = pidsOf(await child.waitFor('pids'));
        child.proc.send_signal(9);
        await child.done;
        expect(await allGone(pids)).toBeTrue();
    });
});
