// Process.stop(): the escalation (stop command, SIGTERM, SIGKILL, hung),
// shared stops, aborting start().
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { FakeClock } from '../../src/notifier/fake-clock.js';
import { main } from '../../src/notifier/loop.js';
import { liveChildren } from '../../src/process/supervisor.js';
import { Process } from '../../src/process/index.js';
import { waitReal } from '../support/fake-clock.js';
import { alive, lines } from './helpers.js';

describe('Process.stop()', () => {
    afterEach(() => {
        expect(liveChildren()).toBe(0);
    });

    describe('stop()', () => {
        it('sends SIGTERM and finishes once the child is reaped', () => {
            const proc = new Process(['sleep', '30']);
            const ip = proc.start();
            const stop = proc.stop();
            expect(proc.stopping).toBeTrue();
            expect(proc.state).toBe('dying');
            stop.wait(5);
            expect(ip.result).toBe(-15);
            expect(proc.state).toBe('stopped');
            expect(proc.stopping).toBeFalse();
        });

        it('escalates to SIGKILL when the child ignores SIGTERM, after `wait` seconds (fake clock)', () => {
            const proc = new Process(['sh', '-c', 'trap "" TERM; echo ready; exec sleep 30']);
            const ip = proc.start();
            expect(proc.readline().wait(5)).toBe('ready\n');
            const clock = new FakeClock().install();
            try {
                const stop = proc.stop({ wait: 30 });
                clock.advance(29.999);
                waitReal(() => !stop.finished, 0.05);
                expect(stop.finished).toBeFalse();
                expect(alive(proc.pid as number)).toBeTrue();
                clock.advance(0.001);
                waitReal(() => !stop.finished, 5);
                expect(ip.result).toBe(-9);
                expect(alive(proc.pid as number)).toBeFalse();
            } finally {
                clock.uninstall();
            }
        });

        it('writes a string stop command to stdin first and waits for the exit', () => {
            const proc = new Process(['sh', '-c', 'trap "" TERM; read cmd; echo "bye $cmd"; exit 4']);
            const got = lines(proc);
            const ip = proc.start();
            const stop = proc.stop({ cmd: 'quit\n', wait: 5 });
            expect(proc.state).toBe('stopping');
            stop.wait(5);
            expect(ip.result).toBe(4);
            main.loop(() => got.length === 0, 5);
            expect(got).toEqual([['bye quit\n', 'stdout']]);
        });

        it('calls a function stop command, and uses stopCommand by default', () => {
            const proc = new Process(['sleep', '30']);
            const calls: unknown[] = [];
            proc.stopCommand = p => {
                calls.push(p);
                (p as Process).sendSignal(2);
            };
            const ip = proc.start();
            proc.stop().wait(5);
            expect(calls).toEqual([proc]);
            expect(ip.result).toBe(-2);
        });

        it('leaves a child that survives SIGKILL hung after 2 × `wait`, fails both InProgresses, and still reaps it later (fake clock)', () => {
            const proto = Gio.Subprocess.prototype as unknown as { send_signal: (signo: number) => void };
            const original = proto.send_signal;
            // An unkillable child (uninterruptible sleep) cannot be made on purpose: drop SIGKILL instead.
            const spy = spyOn(proto, 'send_signal').and.callFake(function (this: Gio.Subprocess, signo: number) {
                if (signo !== 9)
                    original.call(this, signo);
            });
            // processGroup: false — else the group's SIGKILL (group.ts) would still reach it.
            const proc = new Process(['sh', '-c', 'trap "" TERM; echo ready; exec sleep 30'], { processGroup: false });
            const exited: number[] = [];
            proc.signals.exited.connect(code => void exited.push(code));
            const ip = proc.start();
            const failures: unknown[] = [];
            ip.connectBoth(() => undefined, error => void failures.push(error));
            expect(proc.readline().wait(5)).toBe('ready\n');
            const clock = new FakeClock().install();
            try {
                const stop = proc.stop({ wait: 30 });
                clock.advance(30); // SIGTERM was ignored: SIGKILL (dropped)
                waitReal(() => spy.calls.count() < 2, 5);
                expect(spy.calls.allArgs()).toEqual([[15], [9]]);
                clock.advance(59.999);
                waitReal(() => !stop.finished, 0.05);
                expect(stop.finished).toBeFalse();
                clock.advance(0.001);
                waitReal(() => !stop.finished, 5);
                expect(() => stop.result).toThrowError(Error, /refuses to die even after SIGKILL \(waited 60 s\)/);
                expect(proc.state).toBe('hung');
                expect(proc.running).toBeTrue();
                expect(failures).toEqual([stop.exception]);
                expect(liveChildren()).toBe(1);
                spy.and.callThrough();
                const again = proc.stop({ wait: 1 }); // tries again: SIGTERM (ignored), then SIGKILL
                clock.advance(1);
                waitReal(() => !again.finished, 5, clock);
                again.wait(0);
            } finally {
                clock.uninstall();
            }
            expect(spy.calls.allArgs()).toEqual([[15], [9], [15], [9]]);
            expect(proc.state).toBe('stopped');
            expect(proc.exitcode).toBe(-9);
            expect(exited).toEqual([-9]);
        });

        it('starts the child in its own process group and stops what it started too', () => {
            const proc = new Process(['sh', '-c', 'sleep 60 & echo $!; wait']);
            proc.start();
            const grandchild = Number(proc.readline().wait(5));
            const pgid = (pid: number) => Number(new TextDecoder().decode(GLib.file_get_contents(`/proc/${pid}/stat`)[1]).split(') ')[1].split(' ')[2]);
            expect(pgid(proc.pid as number)).toBe(proc.pid as number);
            expect(pgid(grandchild)).toBe(proc.pid as number);
            proc.stop().wait(5);
            main.loop(() => alive(grandchild), 2);
            expect(alive(grandchild)).withContext('the grandchild is gone').toBeFalse();
        });

        it('leaves the grandchildren alone with processGroup: false', () => {
            const proc = new Process(['sh', '-c', 'sleep 60 & echo $!; wait'], { processGroup: false });
            proc.start();
            const grandchild = Number(proc.readline().wait(5));
            try {
                proc.stop().wait(5);
                main.loop(true, 0.2);
                expect(alive(grandchild)).toBeTrue();
            } finally {
                GLib.spawn_command_line_sync(`kill -9 ${grandchild}`);
            }
        });

        it('shares one InProgress between concurrent stop() calls', () => {
            const proc = new Process(['sleep', '30']);
            proc.start();
            const a = proc.stop();
            expect(proc.stop()).toBe(a);
            a.wait(5);
        });

        it('finishes at once when nothing runs', () => {
            const proc = new Process(['true']);
            expect(proc.stop().finished).toBeTrue();
            proc.start().wait(5);
            expect(proc.stop().finished).toBeTrue();
        });

        it('is what aborting start() does', () => {
            const proc = new Process(['sleep', '30']);
            const ip = proc.start();
            ip.abort();
            expect(ip.failed).toBeTrue();
            expect(proc.stopping).toBeTrue();
            main.loop(() => proc.running, 5);
            expect(proc.exitcode).toBe(-15);
        });
    });
});
