// InProgress (src/async/inprogress.ts): finishing and failing, callbacks and
// their order, chaining, the Promise protocol, abort, timeout, noabort,
// wait() and the report of failures nobody handled.
import { main } from '../../src/notifier/loop.js';
import { setDebug } from '../../src/notifier/debug.js';
import { AbortRefused, InProgressAborted, InProgressStateError, TimeoutException } from '../../src/notifier/errors.js';
import { InProgress, InProgressStatus, delay } from '../../src/async/index.js';
import { onAbort } from '../../src/async/inprogress.js';
import { useFakeClock } from '../support/fake-clock.js';

/** Catches what kaa prints, so a report can be checked and stays quiet. */
function capturePrinterr(): string[] {
    const printed: string[] = [];
    spyOn(globalThis, 'printerr').and.callFake((...args: unknown[]) => void printed.push(args.join(' ')));
    return printed;
}

/** Runs the loop until the end of the current iteration's reports (and a bit). */
function settle(seconds = 0.02): void {
    main.loop(true, seconds);
}

describe('InProgress', () => {
    it('starts unfinished, and result says so', () => {
        const ip = new InProgress<number>();
        expect(ip.finished).toBeFalse();
        expect(ip.failed).toBeFalse();
        expect(() => ip.result).toThrowError(/has not finished/);
        expect(ip.exception).toBeNull();
        expect(String(ip)).toBe('InProgress (pending)');
    });

    it('finishes with a value, returns itself, and calls connected callbacks synchronously in order', () => {
        const ip = new InProgress<number>();
        const calls: string[] = [];
        ip.connect(v => calls.push(`a${v}`));
        ip.connectBoth(v => calls.push(`b${v}`), () => calls.push('never'));
        ip.signals.finished.connect(v => calls.push(`s${v}`));
        expect(ip.finish(7)).toBe(ip);
        expect(calls).toEqual(['a7', 'b7', 's7']);
        expect(ip.finished).toBeTrue();
        expect(ip.result).toBe(7);
    });

    it('runs a callback connected after it finished at once, on every connect method', () => {
        const ip = new InProgress<string>().finish('done');
        const calls: string[] = [];
        ip.connect(v => calls.push(`connect ${v}`));
        ip.connectBoth(v => calls.push(`both ${v}`));
        ip.signals.finished.connect(v => calls.push(`signal ${v}`));
        expect(calls).toEqual(['connect done', 'both done', 'signal done']);
        expect(ip.signals.finished.count).toBe(0);
    });

    it('fails with throw(), calls exception callbacks, and rethrows from result', () => {
        const ip = new InProgress<number>();
        const error = new Error('boom');
        const seen: unknown[] = [];
        ip.connect(() => seen.push('result callback'));
        ip.connectBoth(() => seen.push('never'), e => seen.push(e));
        expect(ip.throw(error)).toBe(ip);
        expect(seen).toEqual([error]);
        expect(ip.failed).toBeTrue();
        expect(ip.exception).toBe(error);
        expect(() => ip.result).toThrow(error);
    });

    it('gives the failure to a single connectBoth callback and to a late exception connection', () => {
        const ip = new InProgress().throw(new RangeError('x'));
        const seen: unknown[] = [];
        ip.connectBoth(e => seen.push((e as Error).name));
        ip.signals.exception.connect(e => seen.push(`late ${(e as Error).name}`));
        expect(seen).toEqual(['RangeError', 'late RangeError']);
    });

    it('refuses to finish twice, naming itself', () => {
        const ip = new InProgress({ name: 'fetch' }).finish(1);
        expect(() => ip.finish(2)).toThrowError(/InProgress "fetch" \(finished\).*already finished/);
        expect(() => ip.throw(new Error('late'))).toThrowError(/already finished/);
        expect(ip.result).toBe(1);
    });

    it('logs a throwing callback and still calls the others', () => {
        const printed = capturePrinterr();
        const ip = new InProgress<number>();
        const calls: number[] = [];
        ip.connect(() => {
            throw new Error('callback bug');
        });
        ip.connect(v => calls.push(v));
        ip.finish(3);
        expect(calls).toEqual([3]);
        expect(printed.join('\n')).toMatch(/callback bug/);
    });

    it('can be disconnected', () => {
        const ip = new InProgress<number>();
        const cb = jasmine.createSpy('cb');
        ip.connect(cb);
        expect(ip.disconnect(cb)).toBeTrue();
        expect(ip.disconnect(cb)).toBeFalse();
        ip.finish(1);
        expect(cb).not.toHaveBeenCalled();
    });

    describe('chaining', () => {
        it('follows an InProgress it is finished with', () => {
            const inner = new InProgress<number>();
            const outer = new InProgress<number>().finish(inner);
            expect(outer.finished).toBeFalse();
            expect(() => outer.finish(1)).toThrowError(/follows another/);
            inner.finish(5);
            expect(outer.result).toBe(5);
        });

        it('takes the failure of what it follows', () => {
            const inner = new InProgress<number>();
            const outer = new InProgress<number>().waitFor(inner);
            const error = new Error('inner failed');
            inner.throw(error);
            expect(outer.exception).toBe(error);
        });

        it('never finishes with itself or with something that waits for it', () => {
            const ip = new InProgress<unknown>();
            expect(() => ip.finish(ip)).toThrowError(TypeError, /itself/);
            const other = new InProgress<unknown>().waitFor(ip);
            expect(() => ip.waitFor(other)).toThrowError(TypeError, /cycle/);
            expect(ip.finished).toBeFalse();
        });

        it('follows a Promise and settles from a GLib callback, where wait() works', () => {
            let nested = 'not run';
            const ip = new InProgress<string>().finish(Promise.resolve('from a promise'));
            ip.connect(() => {
                // a nested loop is possible here: this is not a promise job
                nested = String(delay(0).wait(1));
            });
            expect(ip.wait(1)).toBe('from a promise');
            expect(nested).toBe('undefined');
        });

        it('runs execute() and finishes or fails with its outcome', () => {
            expect(new InProgress<number>().execute((a: number, b: number) => a + b, 2, 3).result).toBe(5);
            const failed = new InProgress<number>().execute(() => {
                throw new Error('nope');
            });
            expect(() => failed.result).toThrowError('nope');
        });
    });

    describe('as a thenable', () => {
        it('can be awaited for its result', async () => {
            const ip = new InProgress<number>();
            delay(0.01).connect(() => ip.finish(42));
            expect(await ip).toBe(42);
        });

        it('rejects the awaiting code with its failure', async () => {
            const ip = new InProgress<number>();
            delay(0).connect(() => ip.throw(new TypeError('bad')));
            await expectAsync(ip).toBeRejectedWithError(TypeError, 'bad');
        });

        it('makes then() return a real Promise', () => {
            const p = new InProgress<number>().finish(1).then(v => v + 1);
            expect(p).toBeInstanceOf(Promise);
            return p.then(v => expect(v).toBe(2));
        });

        it('runs then() callbacks in a promise job, and routes what they return or throw', async () => {
            const ip = new InProgress<number>();
            const order: string[] = [];
            const doubled = ip.then(v => (order.push('ok'), v * 2));
            const thrown = ip.then(() => {
                throw new RangeError('from the callback');
            });
            const followed = ip.then(v => Promise.resolve(v + 1));
            const passed = ip.then(null, () => 'not called');
            ip.finish(21);
            order.push('after finish');
            expect(order).toEqual(['after finish']);
            expect(await doubled).toBe(42);
            await expectAsync(thrown).toBeRejectedWithError(RangeError, 'from the callback');
            expect(await followed).toBe(22);
            expect(await passed).toBe(21);
            expect(order).toEqual(['after finish', 'ok']);
        });

        it('passes a failure to the second then() callback, or on as the rejection', async () => {
            const ip = new InProgress<number>();
            let seen: unknown = null;
            const handled = ip.then(() => 'not called', e => (seen = e, 'handled'));
            const passed = ip.then(v => v);
            const error = new TypeError('bad');
            ip.throw(error);
            expect(seen).toBeNull();
            expect(await handled).toBe('handled');
            expect(seen).toBe(error);
            await expectAsync(passed).toBeRejectedWith(error);
            await expectAsync(new InProgress<number>().throw(error).then()).toBeRejectedWith(error);
        });
    });

    describe('abort()', () => {
        it('fails it with InProgressAborted naming it, and emits signals.abort', () => {
            const ip = new InProgress<number>();
            const seen: unknown[] = [];
            ip.signals.abort.connect(e => seen.push(e));
            ip.abort();
            expect(seen.length).toBe(1);
            expect(ip.exception).toBe(seen[0]);
            expect(ip.exception).toBeInstanceOf(InProgressAborted);
            expect((ip.exception as InProgressAborted).inprogress).toBe(ip);
        });

        it('accepts only an InProgressAborted, and only while unfinished and abortable', () => {
            const ip = new InProgress<number>();
            expect(() => ip.abort(new Error('x') as InProgressAborted)).toThrowError(TypeError, /InProgressAborted/);
            ip.abortable = false;
            expect(() => ip.abort()).toThrowError(/not abortable/);
            ip.abortable = true;
            const mine = new TimeoutException('custom');
            ip.abort(mine);
            expect(ip.exception).toBe(mine);
            expect(() => ip.abort()).toThrowError(/already finished/);
        });

        it('is refused when an abort handler returns false', () => {
            const ip = new InProgress<number>();
            ip.signals.abort.connect(() => false);
            expect(() => ip.abort()).toThrowError(/refused/);
            expect(ip.finished).toBeFalse();
            ip.finish(1);
        });

        it('aborts what a chained InProgress waits for when nothing else waits for it', () => {
            const inner = delay(10);
            const outer = new InProgress<void>().waitFor(inner);
            outer.abort();
            expect(inner.exception).toBeInstanceOf(InProgressAborted);
            expect(main.statistics().timers).toBe(0);
        });

        it('does not report its own failure as unhandled', () => {
            const printed = capturePrinterr();
            new InProgress().abort();
            settle();
            expect(printed).toEqual([]);
        });
    });

    describe('its states (pending, following, finished, failed, aborted)', () => {
        it('throws InProgressStateError naming the state for what the state does not allow', () => {
            const pending = new InProgress<number>();
            expect(() => pending.result).toThrowMatching(e => e instanceof InProgressStateError && e.state === 'pending');
            const following = new InProgress<number>().waitFor(pending);
            expect(String(following)).toBe('InProgress (pending)');
            expect(() => following.throw(new Error('x'))).toThrowMatching(e => e instanceof InProgressStateError && e.state === 'following');
            pending.finish(1);
            expect(() => pending.finish(2)).toThrowMatching(e => e instanceof InProgressStateError && e.state === 'finished' &&
                (e as InProgressStateError).inprogress === pending);
            expect(() => following.abort()).toThrowMatching(e => e instanceof InProgressStateError && !(e instanceof AbortRefused));
        });

        it('throws AbortRefused when not abortable or a handler refuses, and stays pending', () => {
            const ip = new InProgress<number>({ abortable: false });
            expect(() => ip.abort()).toThrowError(AbortRefused, /not abortable/);
            ip.abortable = true;
            ip.signals.abort.connect(() => false);
            expect(() => ip.abort()).toThrowError(AbortRefused, /an abort handler refused/);
            expect(String(ip)).toBe('InProgress (pending)');
            ip.finish(1);
        });

        it('shows an aborted one as failed', () => {
            const ip = new InProgress();
            ip.abort();
            expect(ip.failed).toBeTrue();
            expect(String(ip)).toBe('InProgress (failed)');
        });

        it('leaves quiet a refused abort of what a chained one waits for', () => {
            const printed = capturePrinterr();
            const inner = new InProgress<number>();
            inner.signals.abort.connect(() => false);
            const outer = new InProgress<number>().waitFor(inner);
            outer.abort();
            expect(outer.exception).toBeInstanceOf(InProgressAborted);
            expect(inner.finished).toBeFalse();
            expect(printed).toEqual([]);
            inner.finish(1);
        });

        it('logs any other error from aborting what it waits for, whatever its message says', () => {
            const printed = capturePrinterr();
            const inner = new InProgress<number>();
            onAbort(inner, () => {
                throw new Error('my abort handler refused to clean up');
            });
            const outer = new InProgress<number>().waitFor(inner);
            outer.abort();
            expect(outer.exception).toBeInstanceOf(InProgressAborted);
            expect(printed.join('\n')).toMatch(/aborting InProgress \(pending\) \(waited for by InProgress \(pending\)\) failed[^]*my abort handler refused/);
            inner.finish(1);
        });
    });

    describe('timeout()', () => {
        const clock = useFakeClock(); // autojump: no real waiting

        it('fails at its deadline and not a moment before (stepped by hand)', () => {
            clock().autojump = false;
            const ip = new InProgress<string>();
            const t = ip.timeout(2);
            clock().advance(1.999);
            main.loop(true, 0);
            expect(t.finished).toBeFalse();
            clock().advance(0.001);
            main.loop(() => !t.finished, 0);
            expect(t.exception).toBeInstanceOf(TimeoutException);
            expect(ip.finished).toBeFalse();
        });

        it('returns a new InProgress that mirrors the original', () => {
            const ip = new InProgress<string>();
            const t = ip.timeout(5);
            expect(t).not.toBe(ip);
            ip.finish('in time');
            expect(t.result).toBe('in time');
            expect(main.statistics().timers).toBe(0);
        });

        it('fails the new one with TimeoutException and leaves the original alone', () => {
            const ip = new InProgress<string>();
            const t = ip.timeout(0.01);
            expect(() => t.wait()).toThrowError(TimeoutException);
            expect(ip.finished).toBeFalse();
            ip.finish('late');
            expect(t.exception).toBeInstanceOf(TimeoutException);
        });

        it('aborts the original first with {abort: true}', () => {
            const order: string[] = [];
            const ip = new InProgress<string>();
            ip.signals.abort.connect(() => void order.push('original aborted'));
            const t = ip.timeout(0.01, { abort: true });
            t.connectBoth(() => undefined, () => order.push('timeout thrown'));
            main.loop(() => !t.finished, 1);
            expect(order).toEqual(['original aborted', 'timeout thrown']);
            expect(ip.exception).toBeInstanceOf(TimeoutException);
        });

        it('removes its timer when the new one is aborted', () => {
            const ip = new InProgress<string>();
            ip.timeout(10).abort();
            expect(main.statistics().timers).toBe(0);
            expect(ip.finished).toBeFalse();
        });
    });

    it('noabort() hands out a mirror that cannot be aborted', () => {
        const ip = new InProgress<number>();
        const safe = ip.noabort();
        expect(safe.abortable).toBeFalse();
        expect(() => safe.abort()).toThrowError(/not abortable/);
        ip.finish(9);
        expect(safe.result).toBe(9);
    });

    describe('wait()', () => {
        useFakeClock();

        it('runs the loop until it finishes and returns the result', () => {
            const ip = new InProgress<number>();
            delay(0.01).connect(() => ip.finish(11));
            expect(ip.wait()).toBe(11);
        });

        it('throws the failure', () => {
            const ip = new InProgress<number>();
            delay(0).connect(() => ip.throw(new Error('failed while waiting')));
            expect(() => ip.wait()).toThrowError('failed while waiting');
        });

        it('throws TimeoutException on expiry and leaves it unfinished', () => {
            const ip = new InProgress<number>();
            expect(() => ip.wait(0.01)).toThrowError(TimeoutException);
            expect(ip.finished).toBeFalse();
        });

        it('fails at once inside a promise continuation, naming runAsync (GJS 1.74)', async () => {
            await null;
            const ip = new InProgress<number>();
            expect(() => ip.wait(1)).toThrowError(/runAsync/);
            expect(main.statistics().depth).toBe(0);
        });

        it('refuses a bad timeout', () => {
            expect(() => new InProgress().wait(-1)).toThrowError(TypeError, /`timeout` must be a finite number >= 0 \(got -1\)/);
        });
    });

    describe('wait() with a deadline that floating point cannot subtract exactly', () => {
        useFakeClock({ start: 1000, autojump: true }); // 1000 + 0.01 - 1000 < 0.01

        it('throws TimeoutException when the loop reached the deadline', () => {
            const ip = new InProgress<number>();
            expect(() => ip.wait(0.01)).toThrowError(TimeoutException);
            expect(ip.finished).toBeFalse();
        });
    });

    describe('a failure nobody handled', () => {
        afterEach(() => setDebug(false));

        it('is reported at the end of the loop iteration', () => {
            const printed = capturePrinterr();
            new InProgress({ name: 'lonely' }).throw(new Error('nobody listens'));
            expect(printed).toEqual([]);
            main.loop(() => printed.length === 0, 1);
            expect(printed.join('\n')).toMatch(/unhandled failure of InProgress "lonely".*\n?.*nobody listens/);
        });

        it('is reported with its creation stack in debug mode', () => {
            const printed = capturePrinterr();
            setDebug(true);
            function makeFailingInProgress() {
                return new InProgress();
            }
            makeFailingInProgress().throw(new Error('debug me'));
            main.loop(() => printed.length < 2, 1);
            expect(printed.join('\n')).toMatch(/was created at:\n.*makeFailingInProgress/);
        });

        it('is not reported when taken in the same iteration by result, exception, then or a callback', () => {
            const printed = capturePrinterr();
            const a = new InProgress().throw(new Error('a'));
            expect(() => a.result).toThrowError('a');
            const b = new InProgress().throw(new Error('b'));
            void b.exception;
            const c = new InProgress().throw(new Error('c'));
            c.then(undefined, () => undefined);
            const d = new InProgress().throw(new Error('d'));
            d.signals.exception.connect(() => undefined);
            const e = new InProgress();
            e.connectBoth(() => undefined, () => undefined);
            e.throw(new Error('e'));
            settle();
            expect(printed).toEqual([]);
        });
    });

    it('carries a progress status', () => {
        const ip = new InProgress();
        expect(ip.progress).toBeNull();
        ip.progress = new InProgressStatus(10);
        expect(ip.timeout(1).progress).toBe(ip.progress);
        ip.finish(undefined);
    });
});
