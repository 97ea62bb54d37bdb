// Faults: processes, workers and peers that die or misbehave at the worst
// moment. In every case nothing hangs, every pending InProgress ends (a
// failure with a message that says what happened, or the documented result),
// the loop keeps running, and no process survives (checked in /proc).
import GLib from 'gi://GLib';
import type { InProgress } from '../../src/async/inprogress.js';
import { WorkerError } from '../../src/notifier/errors.js';
import { main } from '../../src/notifier/loop.js';
import { Process } from '../../src/process/index.js';
import { Socket } from '../../src/io/index.js';
import { Timer } from '../../src/timers.js';
import { ThreadPool } from '../../src/workers/pool.js';
import { threaded } from '../../src/workers/threaded.js';
import { spawnGjs } from '../support/child.js';
import { kill, mono, pidAlive, pidExists, report } from './helpers.js';

const SIGKILL = 9;
const SIGTERM = 15;
const MiB = 1024 * 1024;

/** Runs the loop until `ip` has ended, then returns its failure (or null when it finished). */
function failureOf(ip: InProgress<unknown>, seconds: number): Error | null {
    ip.connectBoth(() => undefined, () => undefined); // taken here: not reported as unhandled
    main.loop(() => !ip.finished, seconds);
    expect(ip.finished).withContext(`${String(ip)} ended within ${seconds} s`).toBeTrue();
    return ip.failed ? ip.exception as Error : null;
}

/** A timer that counts its ticks: proof that the loop keeps running. */
function heartbeat(): { timer: Timer; ticks: () => number } {
    let ticks = 0;
    const timer = new Timer(() => {
        ticks++;
    });
    timer.start(0.005);
    return { timer, ticks: () => ticks };
}

/** Resolves once no pid in `pids` is alive (or after `seconds`), with the survivors. */
function survivors(pids: number[], seconds: number): Promise<number[]> {
    const until = mono() + seconds;
    return new Promise(resolve => {
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, 50, () => {
            const alive = pids.filter(pidAlive);
            if (alive.length && mono() < until)
                return GLib.SOURCE_CONTINUE;
            resolve(alive);
            return GLib.SOURCE_REMOVE;
        });
    });
}

describe('faults', () => {
    it('a worker killed with SIGKILL mid-call fails that call with a WorkerError naming the signal; the pool replaces it', () => {
        const pool = new ThreadPool({ size: 1 });
        const spin = threaded(pool, { progress: true })((status: { set(pos: number): unknown }, ms: number) => {
            status.set(1); // tells the caller the call is running
            const end = Date.now() + ms;
            while (Date.now() < end)
                ;
            return 'woke up';
        });
        const add = threaded(pool)((a: number, b: number) => a + b);
        try {
            const ip = spin(30000);
            main.loop(() => !ip.finished && (ip.progress?.pos ?? 0) < 1, 15);
            const pid = ip.pid as number;
            expect(pid).withContext('the worker pid of the running call').toBeGreaterThan(0);
            kill(pid, SIGKILL);
            const error = failureOf(ip, 10);
            expect(error).toBeInstanceOf(WorkerError);
            expect(error?.message).toContain(`worker ${pid} was killed by signal 9`);
            expect((error as WorkerError).signal).toBe(SIGKILL);
            expect(pidExists(pid)).withContext(`/proc/${pid} after the death`).toBeFalse();
            // The pool starts a new worker for the next call.
            const next = add(2, 3);
            expect(next.wait(15)).toBe(5);
            expect(next.pid).not.toBe(pid);
            expect(pool.statistics().lost).toBe(1);
            report(`faults: worker ${pid} SIGKILLed mid-call → ${error?.message.split('\n')[0]}`);
        } finally {
            pool.stop().wait(10);
        }
    }, 40000);

    it('a child killed with SIGKILL while it writes to us ends its output and exits with -9; nothing hangs', () => {
        const proc = new Process(['cat', '/dev/zero']);
        let received = 0;
        let killedAt = -1;
        let pid = 0;
        proc.stdout.signals.read.connect(data => {
            received += data.length;
            if (killedAt < 0 && received >= 4 * MiB) {
                killedAt = received;
                pid = proc.pid as number;
                kill(pid, SIGKILL);
            }
        });
        const closed: boolean[] = [];
        proc.stdout.signals.closed.connect(expected => void closed.push(expected));
        const code = proc.start().wait(20);
        main.loop(() => proc.stdout.alive, 5);
        expect(code).toBe(-SIGKILL);
        expect(proc.exitcode).toBe(-SIGKILL);
        expect(proc.state).toBe('stopped');
        expect(killedAt).toBeGreaterThan(0);
        expect(closed.length).toBe(1);
        expect(proc.stdout.alive).toBeFalse();
        expect(pid).toBeGreaterThan(0);
        expect(pidExists(pid)).withContext(`/proc/${pid} after the exit: reaped`).toBeFalse();
    }, 30000);

    it('a full pipe: writes queue up to queueSize, the next one throws at once, the loop runs on; SIGKILL then fails the queued writes', () => {
        // `sleep` never reads its stdin: the pipe (64 KiB) fills, then kaa's write queue (1 MiB).
        const proc = new Process(['sleep', '60']);
        const exited = proc.start();
        const beat = heartbeat();
        const writes: InProgress<number>[] = [];
        let refused: Error | null = null;
        try {
            for (let i = 0; i < 64 && refused === null; i++) {
                try {
                    writes.push(proc.write(new Uint8Array(64 * 1024)));
                } catch (error) {
                    refused = error as Error;
                }
            }
            main.loop(true, 0.2);
            expect(refused).toBeInstanceOf(RangeError);
            expect(refused?.message).toContain('queueSize');
            expect(beat.ticks()).withContext('timer ticks while the pipe is full').toBeGreaterThan(5);
            const pending = writes.filter(w => !w.finished);
            expect(pending.length).withContext('writes still queued').toBeGreaterThan(10);
            const pid = proc.pid as number;
            kill(pid, SIGKILL);
            expect(exited.wait(10)).toBe(-SIGKILL);
            expect(pidExists(pid)).withContext(`/proc/${pid} after the exit: reaped`).toBeFalse();
            main.loop(() => pending.some(w => !w.finished), 5);
            for (const w of pending) {
                expect(w.failed).toBeTrue();
                const message = (w.exception as Error).message;
                expect(message).toMatch(/closed before the write was flushed|Broken pipe|failed/);
            }
            report(`faults: full pipe: ${writes.length} writes accepted, then "${refused?.message}"; ` +
                `${pending.length} queued writes failed at SIGKILL with "${(pending[0].exception as Error).message}"`);
        } finally {
            beat.timer.stop();
            if (proc.running)
                proc.stop({ wait: 1 }).wait(10);
        }
    }, 30000);

    it('EPIPE: a write to a child that closed its stdin fails with "Broken pipe", and kaa is not killed by SIGPIPE', () => {
        const proc = new Process(['sh', '-c', 'exec 0<&-; echo closed; exec sleep 30']);
        const exited = proc.start();
        try {
            expect(proc.readline().wait(10)).toBe('closed\n');
            const error = failureOf(proc.write(new Uint8Array(256 * 1024)), 10);
            expect(error).withContext('the write failed').not.toBeNull();
            expect(error?.message).toContain('Broken pipe');
            expect(proc.stdin.alive).toBeFalse();
            // The process is still there and kaa still runs.
            const beat = heartbeat();
            main.loop(() => beat.ticks() < 3, 5);
            beat.timer.stop();
            expect(proc.running).toBeTrue();
            report(`faults: EPIPE → "${error?.message}"`);
        } finally {
            proc.stop({ wait: 1 }).wait(10);
        }
        expect(exited.finished).toBeTrue();
    }, 30000);

    it('a peer that closes a TCP socket mid-transfer fails the sender\'s queued writes and closes its channel; the reader sees EOF', () => {
        const server = new Socket();
        server.listen('127.0.0.1:0');
        const port = (server.local as { port: number }).port;
        const serverSide: Socket[] = [];
        server.signals.newClient.connect(s => void serverSide.push(s));
        const client = new Socket();
        try {
            client.connect(`127.0.0.1:${port}`).wait(10);
            main.loop(() => serverSide.length === 0, 10);
            const sender = serverSide[0];
            const closed: boolean[] = [];
            sender.signals.closed.connect(expected => void closed.push(expected));
            // The server streams; the client reads 2 MiB, then slams the door.
            const chunk = new Uint8Array(256 * 1024);
            const writes: InProgress<number>[] = [];
            const pump = () => {
                while (sender.writable && sender.writeQueueUsed + chunk.length <= sender.queueSize)
                    writes.push(sender.write(chunk).connectBoth(() => pump(), () => undefined));
            };
            pump();
            let read = 0;
            while (read < 2 * MiB)
                read += client.read().wait(10).length;
            client.close({ immediate: true });
            main.loop(() => sender.alive, 10);
            expect(sender.alive).withContext('the sender noticed the peer was gone').toBeFalse();
            expect(closed).toEqual([false]);
            const failed = writes.filter(w => w.failed);
            expect(failed.length).withContext('queued writes that failed').toBeGreaterThan(0);
            const message = (failed[0].exception as Error).message;
            expect(message).toMatch(/reset|Broken pipe|closed/i);
            expect(writes.every(w => w.finished)).toBeTrue();
            report(`faults: peer closed mid-transfer after ${read} bytes: ${failed.length} of ${writes.length} writes failed: "${message}"`);

            // The other way: the server closes while the client waits for a line.
            const client2 = new Socket();
            client2.connect(`127.0.0.1:${port}`).wait(10);
            main.loop(() => serverSide.length < 2, 10);
            const line = client2.readline();
            serverSide[1].write('partial line without an end');
            serverSide[1].close();
            expect(line.wait(10)).toBe('partial line without an end');
            expect(client2.read().wait(10).length).toBe(0);
            client2.close();
        } finally {
            client.close({ immediate: true });
            serverSide.forEach(s => s.close({ immediate: true }));
            server.close();
        }
    }, 30000);

    it('SIGTERM to a parent gjs with 50 children and 4 busy workers: exit 143, every pending InProgress ends with a clear error, no process survives', async () => {
        const child = spawnGjs(`import * as kaa from KAA;
const pool = new kaa.ThreadPool({ size: 4 });
const spin = kaa.threaded(pool)(ms => { const end = Date.now() + ms; while (Date.now() < end); return 'done'; });
const pending = [];
const procs = [];
for (let i = 0; i < 50; i++) {
    const p = new kaa.Process(['sleep', '600']);
    procs.push(p);
    pending.push(['process', p.start()]);
}
const calls = [];
for (let i = 0; i < 6; i++)
    calls.push(spin(600000));
calls.forEach(ip => pending.push(['worker', ip]));
for (const [kind, ip] of pending)
    ip.connectBoth(v => print('settled ' + kind + ' finished ' + v),
        e => print('settled ' + kind + ' failed ' + e.name + ': ' + String(e.message).split('\\n')[0]));
const ready = new kaa.Timer(() => {
    const running = calls.filter(ip => ip.pid);
    if (running.length < 4 || procs.some(p => !p.pid))
        return true;
    print('pids ' + JSON.stringify([...procs.map(p => p.pid), ...running.map(ip => ip.pid)]));
    return false;
});
ready.start(0.05);
const status = kaa.main.run();
print('status ' + status);
imports.system.exit(status);
`);
        const line = await child.waitFor('pids ');
        const pids = JSON.parse(line.slice(line.indexOf('[')) as string) as number[];
        expect(pids.length).toBe(54);
        const t0 = mono();
        child.proc.send_signal(SIGTERM);
        const r = await child.done;
        const seconds = mono() - t0;
        const left = await survivors(pids, 5);
        const settled = r.stdout.split('\n').filter(l => l.startsWith('settled '));
        report(`faults: SIGTERM to a parent with 50 children and 4 busy workers (+2 queued calls): exit ${r.status} ` +
            `after ${seconds.toFixed(1)} s; ${settled.length} InProgress settled; e.g. ` +
            `${[...new Set(settled.map(l => l.replace(/\d+/g, 'N')))].join(' | ')}; survivors: ${left.length}`);
        expect(r.status).toBe(143);
        expect(r.stdout).toContain('status 143');
        expect(settled.length).withContext('every pending InProgress ended').toBe(56);
        // Children stopped by the shutdown sequence finish with -15 (killed by SIGTERM), the documented exit code.
        expect(settled.filter(l => l === 'settled process finished -15').length).toBe(50);
        const workerLines = settled.filter(l => l.startsWith('settled worker'));
        expect(workerLines.length).toBe(6);
        for (const l of workerLines)
            expect(l).toMatch(/^settled worker failed WorkerError: (the thread pool .* was stopped|worker \d+ was killed)/);
        expect(left).withContext('processes alive after the parent exited').toEqual([]);
    }, 60000);
});
