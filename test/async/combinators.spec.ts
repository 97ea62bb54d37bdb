// InProgressAny / InProgressAll (src/async/combinators.ts): defaults, the
// FINISH_* modes, filters, failures, empty inputs, Signals.any()/all().
import { main } from '../../src/notifier/loop.js';
import { InProgressAborted } from '../../src/notifier/errors.js';
import { Signal, Signals } from '../../src/notifier/signals.js';
import {
    FINISH_IDX, FINISH_IDX_RESULT, FINISH_RESULT, FINISH_SELF, InProgress, InProgressAll, InProgressAny, delay,
} from '../../src/async/index.js';

describe('InProgress.any()', () => {
    it('finishes with [index, result] of the first child to finish', () => {
        const a = new InProgress<string>(), b = new InProgress<number>();
        const any = InProgress.any(a, b);
        expect(any).toBeInstanceOf(InProgressAny);
        b.finish(2);
        const typed: [0, string] | [1, number] = any.result;
        expect(typed).toEqual([1, 2]);
        a.finish('later');
        expect(any.result).toEqual([1, 2]);
    });

    it('takes one array of children as well', () => {
        const a = new InProgress<string>().finish('at once');
        expect(InProgress.any([a, new InProgress()]).result).toEqual([0, 'at once']);
    });

    it('finishes with the index, the result or its children on request', () => {
        const make = () => [new InProgress<string>(), new InProgress<string>().finish('b')] as const;
        expect(InProgress.any(...make(), { finish: FINISH_IDX }).result).toBe(1);
        expect(InProgress.any(...make(), { finish: FINISH_RESULT }).result).toBe('b');
        expect(InProgress.any(...make(), { finish: FINISH_IDX_RESULT }).result).toEqual([1, 'b']);
        const children = make();
        const self = InProgress.any(...children, { finish: FINISH_SELF });
        expect(self.result).toEqual([...children]);
        expect(self.result).not.toBe(self as unknown);
    });

    it('fails with the failure of the first child to end', () => {
        const a = new InProgress(), b = new InProgress();
        const any = InProgress.any(a, b);
        const error = new Error('first');
        a.throw(error);
        expect(any.exception).toBe(error);
    });

    it('skips results the filter returns true for, unless nothing else remains', () => {
        const a = new InProgress<number>(), b = new InProgress<number>(), c = new InProgress<number>();
        const any = InProgress.any(a, b, c, { filter: (r: unknown) => r === 0 });
        a.finish(0);
        expect(any.finished).toBeFalse();
        b.finish(0);
        expect(any.finished).toBeFalse();
        c.finish(0);
        expect(any.result).toEqual([2, 0]);
    });

    it('of nothing finishes at once with [-1, undefined]', () => {
        expect(InProgress.any().result).toEqual([-1, undefined]);
        expect(InProgress.any({ finish: FINISH_RESULT }).result).toBeUndefined();
    });

    it('waits for Promises and Signals, and cuts the signal connection once decided', () => {
        const signal = new Signal<[string]>();
        const ip = new InProgress<number>();
        const any = InProgress.any(signal, ip, Promise.resolve('p'));
        expect(signal.count).toBe(1);
        ip.finish(1);
        expect(any.result).toEqual([1, 1]);
        expect(signal.count).toBe(0);
        main.loop(true, 0.01); // the Promise adapter settles (and is ignored)
    });

    it('aborts its children when aborted, if nothing else waits for them', () => {
        const d = delay(10);
        const watched = new InProgress();
        watched.connect(() => undefined);
        const any = InProgress.any(d, watched);
        any.abort();
        expect(d.exception).toBeInstanceOf(InProgressAborted);
        expect(watched.finished).toBeFalse();
        expect(main.statistics().timers).toBe(0);
    });

    it('refuses an argument it cannot wait for and unknown options', () => {
        expect(() => InProgress.any(new InProgress(), 5 as unknown as InProgress)).toThrowError(TypeError, /argument 1/);
        expect(() => InProgress.any(new InProgress(), { finsh: FINISH_IDX } as object as { finish: 'idx' }))
            .toThrowError(TypeError, /unknown option `finsh`/);
        expect(() => InProgress.any({ finish: 'first' as 'idx' })).toThrowError(TypeError, /FINISH_\*/);
    });
});

describe('InProgress.all()', () => {
    it('finishes with the array of results in argument order, like Promise.all', () => {
        const a = new InProgress<string>(), b = new InProgress<number>();
        const all = InProgress.all(a, b);
        expect(all).toBeInstanceOf(InProgressAll);
        b.finish(2);
        expect(all.finished).toBeFalse();
        a.finish('a');
        const [x, y]: [string, number] = all.result;
        expect([x, y]).toEqual(['a', 2]);
    });

    it('fails as soon as one child fails', () => {
        const a = new InProgress(), b = new InProgress();
        const all = InProgress.all([a, b]);
        const error = new Error('child failed');
        b.throw(error);
        expect(all.exception).toBe(error);
        a.finish(1);
        expect(all.exception).toBe(error);
    });

    it('gives indices or [index, result] pairs in finishing order, or its children', () => {
        const make = () => {
            const a = new InProgress<string>(), b = new InProgress<string>();
            return { a, b, list: [a, b] };
        };
        let m = make();
        const idx = InProgress.all(m.list, { finish: FINISH_IDX });
        m.b.finish('b');
        m.a.finish('a');
        expect(idx.result).toEqual([1, 0]);
        m = make();
        const pairs = InProgress.all(m.list, { finish: FINISH_IDX_RESULT });
        m.b.finish('b');
        m.a.finish('a');
        expect(pairs.result).toEqual([[1, 'b'], [0, 'a']]);
        m = make();
        const self = InProgress.all(m.list, { finish: FINISH_SELF });
        m.a.finish('a');
        m.b.finish('b');
        expect((self.result as InProgress<string>[]).map(c => c.result)).toEqual(['a', 'b']);
        expect([...self].length).toBe(2);
    });

    it('leaves out results the filter returns true for', () => {
        const all = InProgress.all(Array.from({ length: 4 }, (_, i) => new InProgress<number>().finish(i)),
            { filter: (r: unknown) => (r as number) % 2 === 1 });
        expect(all.result).toEqual([0, 2]);
    });

    it('of nothing finishes at once with []', () => {
        expect(InProgress.all().result).toEqual([]);
    });

    it('can be awaited', async () => {
        expect(await InProgress.all(delay(0), Promise.resolve(2))).toEqual([undefined, 2]);
    });
});

describe('Signals.any() and all()', () => {
    it('wait for the first emission of any, or of every signal', () => {
        const signals = new Signals<{ read: [string]; closed: [boolean] }>('read', 'closed');
        const any = signals.any();
        const all = signals.all();
        signals.closed.emit(true);
        expect(any.result).toEqual([1, true]);
        expect(all.finished).toBeFalse();
        signals.read.emit('line');
        expect(all.result).toEqual(['line', true]);
        expect(signals.read.count + signals.closed.count).toBe(0);
    });
});
