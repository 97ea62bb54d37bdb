// coroutine() (src/async/coroutine.ts): how a body runs and resumes, what
// it may yield, async functions, the policies, progress, abort at a yield
// point, and the decorator form — with the kaa.base scenarios.
import { main } from '../../src/notifier/loop.js';
import { InProgressAborted } from '../../src/notifier/errors.js';
import { Signal } from '../../src/notifier/signals.js';
import {
    CoroutineInProgress, InProgress, InProgressStatus, NotFinished, POLICY_PASS_LAST, POLICY_SINGLETON,
    POLICY_SYNCHRONIZED, coroutine, delay, type PassLast,
} from '../../src/async/index.js';

function capturePrinterr(): string[] {
    const printed: string[] = [];
    spyOn(globalThis, 'printerr').and.callFake((...args: unknown[]) => void printed.push(args.join(' ')));
    return printed;
}

describe('coroutine()', () => {
    it('runs the body synchronously until its first yield', () => {
        const log: string[] = [];
        const gate = new InProgress<string>();
        const co = coroutine(function* (name: string) {
            log.push(`start ${name}`);
            const got = (yield gate) as string;
            log.push(`resumed with ${got}`);
            return got.length;
        });
        const ip = co('x');
        expect(ip).toBeInstanceOf(CoroutineInProgress);
        expect(log).toEqual(['start x']);
        expect(ip.active).toBeTrue();
        gate.finish('abc');
        expect(log).toEqual(['start x', 'resumed with abc']);
        expect(ip.result).toBe(3);
        expect(ip.active).toBeFalse();
    });

    it('throws the failure of what it yielded at the yield, where it can be caught', () => {
        const gate = new InProgress();
        const ip = coroutine(function* () {
            try {
                yield gate;
            } catch (e) {
                return `caught ${(e as Error).message}`;
            }
            return 'not reached';
        })();
        gate.throw(new Error('oops'));
        expect(ip.result).toBe('caught oops');
    });

    it('resumes at once after yielding a finished InProgress', () => {
        const ip = coroutine(function* () {
            const a = (yield new InProgress<number>().finish(1)) as number;
            const b = (yield new InProgress<number>().finish(2)) as number;
            return a + b;
        })();
        expect(ip.result).toBe(3);
    });

    it('resumes after NotFinished from the loop (like a zero-delay timer), or after the interval', () => {
        let steps = 0;
        const ip = coroutine(function* () {
            for (; steps < 3; steps++)
                yield NotFinished;
        })();
        expect(steps).toBe(0);
        main.step();
        expect(steps).toBeGreaterThanOrEqual(1);
        ip.wait(1);
        expect(steps).toBe(3);

        const start = Date.now();
        coroutine(function* () {
            yield NotFinished;
            yield NotFinished;
        }, { interval: 0.02 })().wait(1);
        expect(Date.now() - start).toBeGreaterThanOrEqual(35);
    });

    it('resumes after a yielded Promise from a GLib callback, so wait() works in the body', () => {
        const ip = coroutine(function* () {
            const v = (yield Promise.resolve(20)) as number;
            // not inside a promise job: a nested loop may run here
            delay(0.01).wait(1);
            return v + 1;
        })();
        expect(ip.wait(2)).toBe(21);
    });

    it('waits for a yielded Signal', () => {
        const signal = new Signal<[string]>();
        const ip = coroutine(function* () {
            return (yield signal) as string;
        })();
        signal.emit('emitted');
        expect(ip.result).toBe('emitted');
    });

    it('follows a returned InProgress', () => {
        const later = new InProgress<string>();
        const ip = coroutine(function* () {
            yield new InProgress().finish(0);
            return later;
        })();
        expect(ip.finished).toBeFalse();
        later.finish('followed');
        expect(ip.result).toBe('followed');
    });

    it('fails its InProgress with an exception thrown before the first yield', () => {
        const co = coroutine(function* (early: boolean) {
            if (early)
                throw new RangeError('too early');
            yield NotFinished;
        });
        let ip: CoroutineInProgress<void> | null = null;
        expect(() => {
            ip = co(true);
        }).not.toThrow();
        expect(() => ip?.result).toThrowError(RangeError, 'too early');
    });

    it('throws a TypeError into the body when it yields something it cannot wait for', () => {
        const ip = coroutine(function* () {
            try {
                yield 42;
            } catch (e) {
                return (e as Error).name;
            }
        })();
        expect(ip.result).toBe('TypeError');
    });

    it('runs async functions too', async () => {
        const co = coroutine(async (a: number) => {
            await delay(0.01);
            return a * 2;
        });
        expect(await co(4)).toBe(8);
        await expectAsync(coroutine(async () => {
            throw new Error('async failure');
        })()).toBeRejectedWithError('async failure');
    });

    it('refuses a function that is neither a generator nor async', () => {
        expect(() => coroutine((() => 1) as unknown as () => Generator)).toThrowError(TypeError, /generator function/);
        expect(() => coroutine(function* () {
            yield;
        }, { policy: 'sometimes' as 'singleton' })).toThrowError(TypeError, /POLICY_/);
    });

    it('passes a fresh InProgressStatus first with {progress: true} and exposes it', () => {
        const co = coroutine(function* (status: InProgressStatus, total: number) {
            status.set(0, total);
            for (let i = 0; i < total; i++) {
                status.update();
                yield NotFinished;
            }
            return status.pos;
        }, { progress: true });
        const ip = co(3);
        expect(ip.progress).toBeInstanceOf(InProgressStatus);
        expect(ip.progress?.max).toBe(3);
        expect(ip.wait(1)).toBe(3);
        expect(co(1).progress).not.toBe(ip.progress);
        main.loop(true, 0.01);
    });

    describe('policies', () => {
        it('POLICY_SYNCHRONIZED: three calls each run to completion, in order', () => {
            const log: string[] = [];
            const co = coroutine(function* (n: number) {
                log.push(`begin ${n}`);
                yield delay(0.01);
                yield NotFinished;
                log.push(`end ${n}`);
                return n;
            }, { policy: POLICY_SYNCHRONIZED });
            const calls = [co(1), co(2), co(3)];
            expect(log).toEqual(['begin 1']);
            expect(calls[1].active).toBeFalse();
            expect(InProgress.all(calls).wait(2)).toEqual([1, 2, 3]);
            expect(log).toEqual(['begin 1', 'end 1', 'begin 2', 'end 2', 'begin 3', 'end 3']);
        });

        it('POLICY_SYNCHRONIZED: a queued call aborted before it started never runs', () => {
            const log: number[] = [];
            const co = coroutine(function* (n: number) {
                log.push(n);
                yield delay(0.01);
            }, { policy: POLICY_SYNCHRONIZED });
            const [a, b, c] = [co(1), co(2), co(3)];
            b.abort();
            InProgress.all(a, c).wait(2);
            expect(log).toEqual([1, 3]);
        });

        it("POLICY_SINGLETON: while a call runs, calls return the running call's InProgress", () => {
            let runs = 0;
            const gate = new InProgress();
            const co = coroutine(function* (_arg: string) {
                runs++;
                yield gate;
                return runs;
            }, { policy: POLICY_SINGLETON });
            const first = co('a');
            expect(co('b')).toBe(first);
            gate.finish(undefined);
            expect(first.result).toBe(1);
            const again = co('c');
            expect(again).not.toBe(first);
            expect(again.result).toBe(2);
        });

        it('POLICY_PASS_LAST: passes {last}, the previous call if unfinished, as the last argument', () => {
            const seen: (CoroutineInProgress<unknown> | null)[] = [];
            const gate = new InProgress();
            const co = coroutine(function* (_n: number, { last }: PassLast) {
                seen.push(last);
                yield gate;
            }, { policy: POLICY_PASS_LAST });
            const first = co(1);
            co(2);
            gate.finish(undefined);
            co(3);
            expect(seen).toEqual([null, first, null]);
        });

        it('keeps one state per object, shared by the methods of a group', () => {
            const gate = new InProgress();
            class Player {
                play = coroutine(function* (this: Player) {
                    yield gate;
                    return 'play';
                }, { policy: POLICY_SINGLETON, group: 'transport' });

                stop = coroutine(function* (this: Player) {
                    yield gate;
                    return 'stop';
                }, { policy: POLICY_SINGLETON, group: 'transport' });
            }
            const p1 = new Player(), p2 = new Player();
            const playing = p1.play();
            expect(p1.stop()).toBe(playing);
            expect(p2.stop()).not.toBe(playing);
            gate.finish(undefined);
        });
    });

    describe('abort()', () => {
        it('throws InProgressAborted into the body at its yield and aborts what it waited for', () => {
            const log: string[] = [];
            const waited = delay(10);
            const ip = coroutine(function* () {
                try {
                    yield waited;
                } catch (e) {
                    log.push(`caught ${(e as Error).name}`);
                    throw e;
                } finally {
                    log.push('finally');
                }
            })();
            expect(ip.abort()).toBeUndefined();
            expect(log).toEqual(['caught InProgressAborted', 'finally']);
            expect(ip.exception).toBeInstanceOf(InProgressAborted);
            expect(waited.exception).toBeInstanceOf(InProgressAborted);
            expect(main.statistics().timers).toBe(0);
        });

        it('leaves alone what it waited for when something else waits for it too', () => {
            const shared = new InProgress<number>();
            shared.connect(() => undefined);
            const ip = coroutine(function* () {
                yield shared;
            })();
            ip.abort();
            expect(shared.finished).toBeFalse();
            expect(ip.failed).toBeTrue();
        });

        it('finishes with what the body returns after catching the abort', () => {
            const ip = coroutine(function* () {
                try {
                    yield NotFinished;
                } catch {
                    return 'cleaned up';
                }
            })();
            ip.abort();
            expect(ip.result).toBe('cleaned up');
            expect(main.statistics().timers).toBe(0);
        });

        it('fails it when the body catches the abort and yields again', () => {
            capturePrinterr();
            const ip = coroutine(function* () {
                try {
                    yield NotFinished;
                } catch {
                    yield delay(1);
                }
            })();
            ip.abort();
            expect(() => ip.result).toThrowError(/yielded again/);
            expect(main.statistics().timers).toBe(0);
        });

        it('raises at the call when the body aborts itself', () => {
            let self: CoroutineInProgress<unknown> | null = null;
            const seen: string[] = [];
            const ip = coroutine(function* () {
                yield NotFinished;
                try {
                    self?.abort();
                } catch (e) {
                    seen.push((e as Error).name);
                    throw e;
                }
            })();
            self = ip;
            expect(() => ip.wait(1)).toThrowError(InProgressAborted);
            expect(seen).toEqual(['InProgressAborted']);
        });
    });

    describe('as a method decorator', () => {
        it('wraps a generator method, with or without options', () => {
            const gate = new InProgress<number>();
            class Counter {
                base = 10;

                @coroutine
                *add(n: number): Generator<unknown, number, never> {
                    const got = (yield gate) as number;
                    return this.base + n + got;
                }

                @coroutine({ policy: POLICY_SINGLETON })
                *once(): Generator<unknown, string, never> {
                    yield gate;
                    return 'once';
                }
            }
            const c = new Counter();
            const sum = c.add(1) as unknown as CoroutineInProgress<number>;
            const o1 = c.once() as unknown as CoroutineInProgress<string>;
            expect(c.once() as unknown).toBe(o1);
            expect(sum).toBeInstanceOf(CoroutineInProgress);
            gate.finish(100);
            expect(sum.result).toBe(111);
            expect(o1.result).toBe('once');
        });
    });
});
