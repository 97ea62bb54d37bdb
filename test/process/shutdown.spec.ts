// The supervisor at shutdown, each case in its own child gjs process running
// dist/kaa.js: every child is stopped with the escalation and reaped before
// run() returns — after stop() and after SIGTERM to the parent — so no child
// is left running, and none as a zombie.
import GLib from 'gi://GLib';
import { runGjs, spawnGjs } from '../support/child.js';

const decoder = new TextDecoder();

/** The state letter of /proc/PID/stat (`'Z'` for a zombie), or null when the pid is gone. */
function procState(pid: number): string | null {
    try {
        const [, data] = GLib.file_get_contents(`/proc/${pid}/stat`);
        return decoder.decode(data).split(') ')[1][0];
    } catch {
        return null;
    }
}

// Five children: four plain sleeps and one that ignores SIGTERM (it needs the
// SIGKILL step). After run() returns, the program reports each child's
// /proc state as it sees it — a zombie would show as Z.
const program = `import GLib from 'gi://GLib';
import * as kaa from KAA;
const state = pid => {
    try {
        return new TextDecoder().decode(GLib.file_get_contents('/proc/' + pid + '/stat')[1]).split(') ')[1][0];
    } catch {
        return 'gone';
    }
};
const pids = [];
for (let i = 0; i < 4; i++) {
    const p = new kaa.Process(['sleep', '1000']);
    p.start();
    pids.push(p.pid);
}
const stubborn = new kaa.Process(['sh', '-c', 'trap "" TERM; echo ready; exec sleep 1000']);
stubborn.signals.readline.connect(line => {
    if (line === 'ready\\n')
        print('pids ' + JSON.stringify(pids));
});
stubborn.start().connectBoth(code => print('stubborn ' + code), e => print('stubborn failed ' + e));
pids.push(stubborn.pid);
if (ARGV[0] === 'stop')
    new kaa.OneShotTimer(() => kaa.main.stop()).start(0.3);
const status = kaa.main.run();
print('after run: ' + pids.map(state).join(' '));
print('status ' + status);
`;

describe('the process supervisor at shutdown', () => {
    it('stops and reaps every child before run() returns after SIGTERM to the parent', async () => {
        const child = spawnGjs(program);
        const line = await child.waitFor('pids ');
        const pids = JSON.parse(line.slice(5)) as number[];
        expect(pids.length).toBe(5);
        for (const pid of pids)
            expect(procState(pid)).withContext(`pid ${pid} before`).not.toBeNull();
        child.proc.send_signal(15);
        const r = await child.done;
        expect(r.stdout).toContain('stubborn -9');
        expect(r.stdout).toContain('after run: gone gone gone gone gone');
        expect(r.stdout).toContain('status 143');
        expect(r.status).toBe(0);
        for (const pid of pids)
            expect(procState(pid)).withContext(`pid ${pid} after`).toBeNull();
    });

    it('stops and reaps every child when run() ends with stop()', async () => {
        const r = await runGjs(program.replace('ARGV[0]', "'stop'"));
        expect(r.stdout).toContain('after run: gone gone gone gone gone');
        expect(r.stdout).toContain('status 0');
    });
});
