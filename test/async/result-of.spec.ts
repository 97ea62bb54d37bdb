// resultOf() (src/async/result-of.ts): `yield* resultOf(x)` in a coroutine
// behaves as `yield x` does — it resumes with the result, throws the failure
// at the yield, resumes at once when already finished — and is typed (the
// type side is test/types/result-of.ts, compiled by the typecheck).
import { main } from '../../src/notifier/loop.js';
import { Signal } from '../../src/notifier/signals.js';
import { InProgress, coroutine, resultOf } from '../../src/async/index.js';

describe('resultOf()', () => {
    it('resumes the coroutine with the result of the InProgress', () => {
        const gate = new InProgress<string>();
        const log: string[] = [];
        const ip = coroutine(function* () {
            const got = yield* resultOf(gate);
            log.push(`resumed with ${got}`);
            return got.length;
        })();
        expect(log).toEqual([]);
        gate.finish('abcd');
        expect(log).toEqual(['resumed with abcd']);
        expect(ip.result).toBe(4);
    });

    it('resumes at once after a finished InProgress', () => {
        const ip = coroutine(function* () {
            const a = yield* resultOf(new InProgress<number>().finish(1));
            const b = yield* resultOf(new InProgress<number>().finish(2));
            return a + b;
        })();
        expect(ip.result).toBe(3);
    });

    it('throws the failure at the yield*, where it can be caught', () => {
        const gate = new InProgress<number>();
        const ip = coroutine(function* () {
            try {
                return yield* resultOf(gate);
            } catch (e) {
                return `caught ${(e as Error).message}`;
            }
        })();
        gate.throw(new Error('oops'));
        expect(ip.result).toBe('caught oops');
    });

    it('waits for a Promise, and for a Signal emission', () => {
        const sig = new Signal<[a: number, b: string]>();
        const ip = coroutine(function* () {
            const text = yield* resultOf(Promise.resolve('from a promise'));
            const pair = yield* resultOf(sig);
            return `${text} ${pair[0]} ${pair[1]}`;
        })();
        while (sig.count === 0)
            main.step();
        sig.emit(1, 'two');
        expect(ip.result).toBe('from a promise 1 two');
    });

    it('throws a TypeError at the yield* for something a coroutine cannot wait for', () => {
        const ip = coroutine(function* () {
            try {
                yield* resultOf(42 as unknown as Promise<number>);
            } catch (e) {
                return e instanceof TypeError;
            }
            return false;
        })();
        expect(ip.result).toBeTrue();
    });

    it('yields nothing when iterated outside a coroutine until resumed', () => {
        const gate = new InProgress<number>();
        const gen = resultOf(gate);
        expect(gen.next()).toEqual({ value: gate, done: false });
        expect(gen.next(5)).toEqual({ value: 5, done: true });
    });
});
