// Type test, compiled by `npm run typecheck` (test/tsconfig.json) and never
// run: `yield* kaa.resultOf(x)` in a coroutine has the type of what `x`
// finishes with, so coroutine code needs no casts. A line here stops
// compiling if that inference breaks (Equal<> is exact; @ts-expect-error
// fails when the error it expects goes away).
import * as kaa from '../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function assertType<T extends true>(_proof?: T): void {
    // compile-time only
}

const square = kaa.threaded()((n: number) => n * n);
const bus = new kaa.Signals<{ line: [text: string]; pair: [a: number, b: string] }>('line', 'pair');

export const job = kaa.coroutine(function* (count: number) {
    const ip = new kaa.InProgress<number>();
    const fromInProgress = yield* kaa.resultOf(ip);
    assertType<Equal<typeof fromInProgress, number>>();

    const fromWorker = yield* kaa.resultOf(square(count));
    assertType<Equal<typeof fromWorker, number>>();

    const [out, err] = yield* kaa.resultOf(new kaa.Process(['uname']).communicate());
    assertType<Equal<typeof out, string>>();
    assertType<Equal<typeof err, string>>();

    const _fromPromise = yield* kaa.resultOf(Promise.resolve(new Date()));
    assertType<Equal<typeof _fromPromise, Date>>();

    const line = yield* kaa.resultOf(bus.line);
    assertType<Equal<typeof line, string>>();
    const _pair = yield* kaa.resultOf(bus.pair);
    assertType<Equal<typeof _pair, [a: number, b: string]>>();

    const _nothing = yield* kaa.resultOf(kaa.delay(0.1));
    assertType<Equal<typeof _nothing, void>>();

    // @ts-expect-error a number result is not a string
    const wrong: string = yield* kaa.resultOf(square(2));
    // @ts-expect-error 42 is _nothing a coroutine can wait for
    yield* kaa.resultOf(42);

    return `${fromInProgress + fromWorker} ${out}${err} ${line} ${wrong}`;
});

export const result = job(3);
assertType<Equal<typeof result, kaa.CoroutineInProgress<string>>>();
