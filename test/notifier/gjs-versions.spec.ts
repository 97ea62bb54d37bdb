// What changed in GJS after 1.74, each detected at run time, never by version
// number (DESIGN §1), and specs that run on every GJS:
// - GLib.MainLoop.prototype.runAsync() exists from 1.76: kaa never uses it,
//   so kaa.main.runAsync() and the promise-trap probe behave the same with
//   and without it (both are forced here in a child process);
// - the private imports._promiseNative.drainMicrotaskQueue may go away: kaa
//   then fires one timer per dispatch, and "promise reactions settle before
//   the next timer fires" must still hold (forced absent in a child);
// - WeakRef targets are really collected from 1.78.5 (once a promise job
//   drain has cleared the kept objects): a weak connection then releases
//   itself; where they are never collected (1.74) it stays, and the GObject
//   `destroy` and disconnectWeak paths (signals.spec.ts) release it.
import GLib from 'gi://GLib';
import system from 'system';
import { Signal } from '../../src/notifier/signal.js';
import { runGjs } from '../support/child.js';

/** Lets `n` loop turns pass, each after a full GC; each turn settles a promise (GJS clears kept WeakRef targets then). */
async function gcTurns(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
        system.gc();
        await new Promise<void>(resolve => GLib.timeout_add(GLib.PRIORITY_DEFAULT, 5, () => {
            resolve();
            return GLib.SOURCE_REMOVE;
        }));
    }
}

/** A WeakRef to an object nothing else holds (made in its own frame). */
function orphanRef(): WeakRef<object> {
    return new WeakRef({ orphan: true });
}

class Listener {
    calls = 0;
    on(): void {
        this.calls++;
    }
}

/** Connects a Listener nothing else holds; returns the callable. */
function connectOrphan(signal: Signal<[]>) {
    return signal.connectWeak(new Listener(), 'on');
}

describe('GJS differences, detected at run time', () => {
    describe('WeakRef collection (GJS >= 1.78.5)', () => {
        it('releases a weak connection by itself where targets are collected, and keeps it where they never are', async () => {
            await gcTurns(3); // where the runtime collects, kaa's own probe is collected by now
            const probe = orphanRef();
            const changes: string[] = [];
            const signal = new Signal<[]>((_s, what) => void changes.push(what));
            const weak = connectOrphan(signal);
            expect(changes).toEqual(['connected']);
            await gcTurns(10);
            if (probe.deref() === undefined) {
                // Collected: the finalizer killed the callable and the connection is gone, with no emission needed.
                expect(weak.alive).toBeFalse();
                expect(changes).toEqual(['connected', 'disconnected']);
                expect(signal.count).toBe(0);
            } else {
                // Never collected (GJS 1.74): the target lives on, and the connection with it.
                expect(weak.alive).toBeTrue();
                expect(changes).toEqual(['connected']);
                expect(signal.count).toBe(1);
                signal.emit();
                expect((weak.target as Listener).calls).toBe(1);
                signal.disconnectAll();
            }
        });
    });

    describe('WeakRef keeps its target until the job ends (GJS >= 1.78.5)', () => {
        // 200k weak connections made and cut inside one callback: kaa must not
        // make a WeakRef to each callable there (each would stay alive until
        // GJS next drains its promise jobs: +175 MiB on 1.82 and 1.90 before
        // the fix; ~+11 MiB of ordinary garbage on 1.74, where WeakRefs never
        // let go). Measured in a child, after a GC, within the same job.
        const program = `import GLib from 'gi://GLib';
import system from 'system';
const kaa = await import(KAA);
const rss = () => {
    system.gc();
    const [, bytes] = GLib.file_get_contents('/proc/self/status');
    return Number(/VmRSS:\\s+(\\d+)/.exec(new TextDecoder().decode(bytes))[1]);
};
const turn = () => new Promise(r => setTimeout(r, 5));
for (let i = 0; i < 3; i++) { system.gc(); await turn(); }
const signal = new kaa.Signal();
const target = { add() {} };
const cycles = n => {
    for (let i = 0; i < n; i++) {
        signal.connectWeak(target, 'add');
        signal.emit(1);
        signal.disconnectWeak(target);
    }
};
cycles(20000);
await turn();
const before = rss();
cycles(200000);
print('grew ' + Math.round((rss() - before) / 1024) + ' MiB');`;

        it('does not keep weak connections cut in the same job alive', async () => {
            const r = await runGjs(program);
            expect(r.stderr).toBe('');
            const grew = Number(/grew (-?\d+) MiB/.exec(r.stdout)?.[1]);
            expect(grew).withContext(r.stdout).toBeLessThan(50);
        }, 60000);
    });

    describe('GLib.MainLoop.prototype.runAsync (GJS >= 1.76)', () => {
        // The same program with runAsync removed, and with one that must not be called.
        const program = (mode: 'absent' | 'present') => `import GLib from 'gi://GLib';
${mode === 'absent'
        ? 'delete GLib.MainLoop.prototype.runAsync;'
        : "GLib.MainLoop.prototype.runAsync = () => { throw new Error('kaa called GLib.MainLoop.runAsync'); };"}
const kaa = await import(KAA);
await new Promise(r => setTimeout(r, 5));
try { kaa.main.run(); print('run() after an await ran'); } catch (e) { print('run() after an await threw, naming runAsync: ' + /runAsync/.test(e.message)); }
new kaa.OneShotTimer(async () => { await null; print('a promise settled in the loop'); kaa.main.stop(); }).start(0.01);
const status = await kaa.main.runAsync();
print('runAsync() resolved with ' + status);`;

        for (const mode of ['absent', 'present'] as const) {
            it(`does not change kaa.main.runAsync() or the promise-trap probe (${mode})`, async () => {
                const r = await runGjs(program(mode));
                expect(r.stderr).toBe('');
                expect(r.stdout).toBe('run() after an await threw, naming runAsync: true\n' +
                    'a promise settled in the loop\nrunAsync() resolved with 0\n');
                expect(r.status).toBe(0);
            });
        }
    });

    describe('imports._promiseNative.drainMicrotaskQueue (private, may go away)', () => {
        // Timer semantics, printed in order: timers due together fire together,
        // in start order, before the reactions they queued (as GLib dispatches
        // every ready source before GJS runs promise jobs); along a zero-delay
        // chain each link's reactions settle before the next link fires; a
        // chain of 1000 links completes.
        const program = (mode: 'absent' | 'present') => `import GLib from 'gi://GLib';
${mode === 'absent' ? 'delete imports._promiseNative.drainMicrotaskQueue;' : ''}
print('drain: ' + typeof imports._promiseNative.drainMicrotaskQueue);
const kaa = await import(KAA);
const log = [];
for (const name of ['a', 'b', 'c']) {
    new kaa.OneShotTimer(() => {
        log.push(name);
        Promise.resolve().then(() => log.push(name + ' reaction')).then(() => log.push(name + ' second reaction'));
    }).start(0.02);
}
// Make a, b and c due together: the clock's millisecond can tick between
// their starts, and timers due in different milliseconds fire in different
// rounds (each settling its reactions) — so wait until all three are overdue.
for (const end = Date.now() + 40; Date.now() < end;);
let links = 0;
const link = new kaa.OneShotTimer(() => {
    links++;
    if (links <= 3) {
        log.push('link ' + links);
        Promise.resolve().then(() => log.push('reaction ' + links));
    }
    if (links < 1000)
        link.start(0);
    else
        Promise.resolve().then(() => {
            log.push('chain of ' + links + ' done');
            kaa.main.stop();
        });
});
link.start(0.05);
// A safety net only: the chain's end stops the loop (a loaded machine may
// take over a second for 1000 links, and that is no failure).
new kaa.OneShotTimer(() => {
    log.push('safety stop after ' + links + ' links');
    kaa.main.stop();
}).start(60);
const status = await kaa.main.runAsync();
print(log.join('\\n'));
print('status ' + status);`;

        const expected = ['a', 'b', 'c', 'a reaction', 'b reaction', 'c reaction', 'a second reaction', 'b second reaction',
            'c second reaction', 'link 1', 'reaction 1', 'link 2', 'reaction 2', 'link 3', 'reaction 3',
            'chain of 1000 done', 'status 0', ''].join('\n');

        it('settles promise reactions before the next timer fires when it is missing', async () => {
            const r = await runGjs(program('absent'));
            expect(r.stderr).toBe('');
            expect(r.stdout).toBe(`drain: undefined\n${expected}`);
            expect(r.status).toBe(0);
        });

        it('settles them the same where it is present', async () => {
            const r = await runGjs(program('present'));
            expect(r.stderr).toBe('');
            expect(r.stdout).toBe(`drain: ${typeof (imports as unknown as { _promiseNative?: { drainMicrotaskQueue?: unknown } })
                ._promiseNative?.drainMicrotaskQueue}\n${expected}`);
            expect(r.status).toBe(0);
        });
    });
});
