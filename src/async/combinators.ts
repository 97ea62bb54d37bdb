/**
 * `InProgressAny` and `InProgressAll` (kaa.base's), behind `InProgress.any()`,
 * `InProgress.all()`, `Signals.any()` and `Signals.all()`.
 *
 * Arguments are InProgress, Promises/thenables, Signals or anything
 * `inprogress()` adapts — or one array of them — with the options object
 * last: `{finish, filter}`. They subscribe at once (kaa.base waited until
 * someone connected). What they adapted themselves (a Signal's next
 * emission, a Promise) they abort once decided, so no signal connection is
 * left behind; the InProgress they were given are left running, and a
 * failure those report later is taken (not reported), like `Promise.race`.
 *
 * Decisions (DESIGN.md §9, §10):
 * - `all()` finishes with the array of results (`FINISH_RESULT`, like
 *   `Promise.all`) and fails with the first failure;
 * - `any()` finishes with `[index, result]` (`FINISH_IDX_RESULT`) of the
 *   first child to end, or fails with that child's failure (like
 *   `Promise.race`; kaa.base finished with the exception as a result);
 * - `FINISH_SELF` finishes with the array of child InProgress: an InProgress
 *   never finishes with itself (it is a thenable, `await` would loop), and
 *   `children[i].result` reads like kaa's `ip[i].result`;
 * - `any()` of nothing finishes at once (kaa.base never finished) with
 *   `[-1, undefined]` (`-1`, `undefined`, `[]` in the other modes); `all()`
 *   of nothing finishes at once with `[]`.
 * @module
 */
import { describeValue } from '../notifier/errors.js';
import { setInProgressCombinators } from '../notifier/signals.js';
import { inprogress, type WaitedValue } from './adapt.js';
import { InProgress } from './inprogress.js';
import { abortWaited, onAbort, react, registerCombine, unreact, type Reaction } from './internal.js';
import { isThenable } from './support.js';

/** Finish with `[index, result]` (the default of `any()`; pairs in finishing order for `all()`). */
export const FINISH_IDX_RESULT = 'idxResult';
/** Finish with the index (`any()`), or the indices in finishing order (`all()`). */
export const FINISH_IDX = 'idx';
/** Finish with the result (`any()`), or the array of results in argument order (the default of `all()`). */
export const FINISH_RESULT = 'result';
/** Finish with the array of child InProgress (`children`). */
export const FINISH_SELF = 'self';

/** How an InProgressAny/All finishes: one of the `FINISH_*` constants. */
export type FinishMode = typeof FINISH_IDX_RESULT | typeof FINISH_IDX | typeof FINISH_RESULT | typeof FINISH_SELF;

/** The options of `any()`/`all()`, given last. */
export interface AnyAllOptions {
    /** What to finish with. @default FINISH_IDX_RESULT for any(), FINISH_RESULT for all() */
    finish?: FinishMode;
    /**
     * `filter(result, index)` returning true ignores that result: `any()`
     * then waits for another child (unless it was the last); `all()` leaves it
     * out of what it finishes with. @default null
     */
    filter?: ((result: unknown, index: number) => unknown) | null;
}

/** What `any()`/`all()` accept: an InProgress, a thenable, a Signal or another `{inprogress()}` object. */
export type Waitable = PromiseLike<unknown> | { inprogress(): PromiseLike<unknown> };

/** The results of a tuple of waitables. */
export type WaitedValues<A extends readonly unknown[]> = { -readonly [K in keyof A]: WaitedValue<A[K]> };

/** What `any()` of a tuple finishes with by default: `[index, result]` of one of them. */
export type AnyResult<A extends readonly unknown[]> = {
    [K in keyof A]: [K extends `${infer N extends number}` ? N : number, WaitedValue<A[K]>];
}[number];

const MODES: readonly string[] = [FINISH_IDX_RESULT, FINISH_IDX, FINISH_RESULT, FINISH_SELF];

interface Prepared {
    children: InProgress<unknown>[];
    owned: boolean[];
    mode: FinishMode;
    filter: ((result: unknown, index: number) => unknown) | null;
}

function isOptions(x: unknown): x is AnyAllOptions {
    if (typeof x !== 'object' || x === null || Array.isArray(x) || isThenable(x))
        return false;
    const proto: unknown = Object.getPrototypeOf(x);
    return proto === Object.prototype || proto === null;
}

function prepare(what: string, args: unknown[], defaultMode: FinishMode): Prepared {
    const options: AnyAllOptions = args.length > 0 && isOptions(args[args.length - 1]) ? args.pop() as AnyAllOptions : {};
    for (const key of Object.keys(options)) {
        if (key !== 'finish' && key !== 'filter')
            throw new TypeError(`${what}: unknown option \`${key}\` (expected finish, filter)`);
    }
    const mode = options.finish ?? defaultMode;
    if (!MODES.includes(mode))
        throw new TypeError(`${what}: \`finish\` must be one of the FINISH_* constants (got ${describeValue(mode)})`);
    const filter = options.filter ?? null;
    if (filter !== null && typeof filter !== 'function')
        throw new TypeError(`${what}: \`filter\` must be a function (got ${describeValue(filter)})`);
    const items = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]).slice() : args;
    const children = items.map((item, i) => {
        try {
            return inprogress(item as InProgress<unknown>);
        } catch (e) {
            throw new TypeError(`${what}: argument ${i} cannot be waited for (got ${describeValue(item)})`, { cause: e });
        }
    });
    return { children, owned: items.map((item, i) => item !== children[i]), mode, filter };
}

/** Aborts the children this combinator made itself (Signal and Promise adapters) and that are still running. */
function releaseOwned(p: Prepared): void {
    p.children.forEach((child, i) => {
        if (p.owned[i] && !child.finished && child.abortable)
            child.abort();
    });
}

/** On abort: stop listening, then abort each child nothing else waits for. */
function abortChildren(self: InProgress<unknown>, p: Prepared, reactions: (Reaction | null)[]): void {
    onAbort(self, () => p.children.forEach((child, i) => {
        unreact(child, reactions[i]);
        abortWaited(child, self);
    }));
}

/**
 * Ends when the first of its children ends: with `[index, result]` by
 * default (see {@link FinishMode}), or with that child's failure.
 * @example
 * const [index] = await new InProgressAny(socket.signals.closed, kaa.delay(1));
 */
export class InProgressAny<T = [number, unknown]> extends InProgress<T> {
    readonly #children: readonly InProgress<unknown>[];

    /**
     * @param args - InProgress, thenables or Signals (or one array), then optionally `{finish, filter}`.
     * @throws TypeError on a bad option or an argument that cannot be waited for.
     */
    constructor(...args: unknown[]) {
        const p = prepare('InProgressAny', args, FINISH_IDX_RESULT);
        super();
        this.#children = Object.freeze(p.children.slice());
        if (p.children.length === 0) {
            this.finish(pick(p.mode, -1, undefined, []) as T);
            return;
        }
        let remaining = p.children.length;
        const decide = (fn: () => void) => {
            fn();
            releaseOwned(p);
        };
        const reactions = p.children.map((child, i) => react(child, value => {
            remaining--;
            if (this.finished)
                return;
            if (p.filter !== null && remaining > 0) {
                let skip: unknown;
                try {
                    skip = p.filter(value, i);
                } catch (e) {
                    decide(() => this.throw(e));
                    return;
                }
                if (skip)
                    return;
            }
            decide(() => this.finish(pick(p.mode, i, value, this.#children) as T));
        }, error => {
            remaining--;
            if (!this.finished)
                decide(() => this.throw(error));
        }));
        if (!this.finished)
            abortChildren(this as InProgress<unknown>, p, reactions);
    }

    /** The child InProgress, in argument order (adapted Signals and Promises included). */
    get children(): readonly InProgress<unknown>[] {
        return this.#children;
    }

    /**
     * Iterates over the children.
     * @example
     * for (const child of any) print(child.finished);
     */
    [Symbol.iterator](): Iterator<InProgress<unknown>> {
        return this.#children[Symbol.iterator]();
    }
}

/**
 * Ends when all of its children have ended: with the array of their results
 * by default (see {@link FinishMode}), or with the first failure.
 * @example
 * const [a, b] = await new InProgressAll(readA(), readB());
 */
export class InProgressAll<T = unknown[]> extends InProgress<T> {
    readonly #children: readonly InProgress<unknown>[];

    /**
     * @param args - InProgress, thenables or Signals (or one array), then optionally `{finish, filter}`.
     * @throws TypeError on a bad option or an argument that cannot be waited for.
     */
    constructor(...args: unknown[]) {
        const p = prepare('InProgressAll', args, FINISH_RESULT);
        super();
        this.#children = Object.freeze(p.children.slice());
        const n = p.children.length;
        const results: unknown[] = new Array(n);
        const order: number[] = [];
        const complete = () => {
            let keep = (_i: number): boolean => true;
            if (p.filter !== null) {
                const skipped = new Set<number>();
                for (let i = 0; i < n; i++) {
                    if (p.filter(results[i], i))
                        skipped.add(i);
                }
                keep = i => !skipped.has(i);
            }
            const indices = p.mode === FINISH_RESULT ? results.map((_r, i) => i) : order;
            const kept = indices.filter(keep);
            if (p.mode === FINISH_SELF)
                return this.#children;
            if (p.mode === FINISH_IDX)
                return kept;
            return p.mode === FINISH_RESULT ? kept.map(i => results[i]) : kept.map(i => [i, results[i]]);
        };
        if (n === 0) {
            this.execute(complete as () => T);
            return;
        }
        let remaining = n;
        const reactions = p.children.map((child, i) => react(child, value => {
            if (this.finished)
                return;
            results[i] = value;
            order.push(i);
            if (--remaining === 0)
                this.execute(complete as () => T);
        }, error => {
            if (this.finished)
                return;
            this.throw(error);
            releaseOwned(p);
        }));
        if (!this.finished)
            abortChildren(this as InProgress<unknown>, p, reactions);
    }

    /** The child InProgress, in argument order (adapted Signals and Promises included). */
    get children(): readonly InProgress<unknown>[] {
        return this.#children;
    }

    /**
     * Iterates over the children.
     * @example
     * for (const child of all) print(child.result);
     */
    [Symbol.iterator](): Iterator<InProgress<unknown>> {
        return this.#children[Symbol.iterator]();
    }
}

function pick(mode: FinishMode, index: number, value: unknown, children: readonly InProgress<unknown>[]): unknown {
    switch (mode) {
    case FINISH_IDX: return index;
    case FINISH_RESULT: return value;
    case FINISH_SELF: return children;
    default: return [index, value];
    }
}

registerCombine((kind, args) => (kind === 'any' ? new InProgressAny(...args) : new InProgressAll(...args)));
setInProgressCombinators({
    any: (signals, options) => new InProgressAny(signals.slice(), ...(options ? [{ ...options }] : [])),
    all: (signals, options) => new InProgressAll(signals.slice(), ...(options ? [{ ...options }] : [])),
});
