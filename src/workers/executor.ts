/**
 * The worker side of a call: compiles shipped function sources (once, then
 * cached), imports worker modules (once), runs calls, and sends results,
 * progress and errors back.
 *
 * A shipped function is evaluated as an expression in the worker's global
 * scope (indirect `eval`), so it sees the worker's globals and nothing of
 * the place it was written. When it fails with `ReferenceError: x is not
 * defined` and `x` appears in its source, the error is rewritten to say
 * that `x` is a variable of the main process the worker cannot see.
 * @module
 */
import { now } from '../notifier/clock.js';
import { scheduler } from '../notifier/scheduler.js';
import { isThenable, timerEntry } from '../async/support.js';
import { encodeResult, settleMainCall } from './main-calls.js';
import { CALL, CALL_PROGRESS, DEFINE, PROGRESS, RESULT, encodeFrame, type Message } from './protocol.js';

type Callable = (...args: unknown[]) => unknown;
type Send = (frame: Uint8Array) => boolean;

/** How often (at most) progress goes to the main process, in ms. */
const PROGRESS_MS = 20;

/** The status a `{progress: true}` function gets in a worker: updates travel to the caller's `progress`. */
class RemoteStatus {
    /** The position. */
    pos = 0;
    /** The maximum (0: unknown). */
    max = 0;
    readonly #id: number;
    readonly #send: Send;
    #sentAt = 0;
    #timer: ReturnType<typeof timerEntry> | null = null;

    constructor(id: number, send: Send) {
        this.#id = id;
        this.#send = send;
    }

    set(pos: number, max?: number): this {
        this.pos = Number(pos) || 0;
        if (max !== undefined && max !== null)
            this.max = Number(max) || 0;
        this.#changed();
        return this;
    }

    update(diff = 1): this {
        this.pos += Number(diff) || 0;
        this.#changed();
        return this;
    }

    /** Sends a pending update now (before the result). */
    flush(): void {
        if (this.#timer) {
            scheduler.remove(this.#timer);
            this.#timer = null;
            this.#post();
        }
    }

    #changed(): void {
        if (now() * 1000 - this.#sentAt >= PROGRESS_MS) {
            this.#post();
        } else if (!this.#timer) {
            this.#timer = timerEntry(PROGRESS_MS / 1000, () => {
                this.#timer = null;
                this.#post();
            });
            scheduler.add(this.#timer);
        }
    }

    #post(): void {
        this.#sentAt = now() * 1000;
        this.#send(encodeFrame([PROGRESS, this.#id, this.pos, this.max], null));
    }
}

/**
 * Runs the calls a worker receives.
 * @example
 * const executor = new Executor(frame => link.send(frame));
 * executor.handle(message);
 */
export class Executor {
    readonly #send: Send;
    readonly #sources = new Map<number, string>();
    readonly #compiled = new Map<number, Callable>();
    readonly #modules = new Map<string, Promise<Record<string, unknown>>>();

    /** @param send - sends a frame to the main process. */
    constructor(send: Send) {
        this.#send = send;
    }

    /**
     * Handles one message from the main process.
     * @param message - DEFINE, CALL, or RESULT (the answer to a `callMain()`).
     * @throws Error on a message a worker does not expect (a protocol error).
     */
    handle(message: Message): void {
        switch (message[0]) {
        case DEFINE:
            this.#sources.set(message[1] as number, String(message[2]));
            return;
        case CALL:
            this.#call(message[1] as number, message[2] as number | string, message[3] as unknown[], message[4] as number);
            return;
        case RESULT:
            settleMainCall(message);
            return;
        default:
            throw new Error(`kaa worker protocol: unexpected message kind ${String(message[0])}`);
        }
    }

    #call(id: number, key: number | string, args: unknown[], flags: number): void {
        const status = flags & CALL_PROGRESS ? new RemoteStatus(id, this.#send) : null;
        const argv = status ? [status, ...args] : args;
        const source = typeof key === 'number' ? this.#sources.get(key) ?? '' : '';
        const done = (ok: boolean, value: unknown) => {
            status?.flush();
            this.#send(encodeResult(id, ok, ok ? value : explain(value, source)));
        };
        if (typeof key === 'string') {
            this.#moduleFunction(key).then(fn => run(fn, argv, done), e => done(false, e));
            return;
        }
        let fn: Callable;
        try {
            fn = this.#function(key);
        } catch (e) {
            done(false, e);
            return;
        }
        run(fn, argv, done);
    }

    #function(id: number): Callable {
        let fn = this.#compiled.get(id);
        if (!fn) {
            const source = this.#sources.get(id);
            if (source === undefined)
                throw new Error(`kaa worker: function ${id} was never defined (a protocol error)`);
            const value: unknown = (0, eval)(withAliases(source));
            if (typeof value !== 'function')
                throw new TypeError('kaa worker: the shipped source is not a function');
            fn = value as Callable;
            this.#compiled.set(id, fn);
        }
        return fn;
    }

    async #moduleFunction(key: string): Promise<Callable> {
        const hash = key.lastIndexOf('#');
        const uri = key.slice(2, hash), name = key.slice(hash + 1);
        let ns = this.#modules.get(uri);
        if (!ns) {
            ns = import(uri) as Promise<Record<string, unknown>>;
            this.#modules.set(uri, ns);
            ns.catch(() => this.#modules.delete(uri));
        }
        let module: Record<string, unknown>;
        try {
            module = await ns;
        } catch (e) {
            throw new Error(`kaa worker: cannot import the worker module ${uri}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
        }
        const fn = module[name];
        if (typeof fn !== 'function')
            throw new TypeError(`kaa worker: the worker module ${uri} has no exported function ${JSON.stringify(name)}`);
        return fn as Callable;
    }
}

/**
 * The expression that evaluates a shipped source. A bundler renames imports
 * that clash (esbuild turns one of several `GLib` imports into `GLib2`), so
 * a source that names `GLib2`, `Gio3`, `GObject2` or `kaa2` gets that name
 * bound to the worker global it stands for.
 */
function withAliases(source: string): string {
    const names = new Set(source.match(/\b(?:GLib|Gio|GObject|kaa)\d+\b/g) ?? []);
    const aliases = [...names].filter(n => !(n in globalThis)).map(n => `const ${n} = globalThis.${n.replace(/\d+$/, '')};`);
    return aliases.length ? `(() => { ${aliases.join(' ')} return (${source}\n); })()` : `(${source}\n)`;
}

/**
 * Calls `fn` and reports its outcome once. Everything that runs user code —
 * the call, a `then` getter, a `then` method — is inside the try: what it
 * throws fails this call, never the worker (issue 13).
 */
function run(fn: Callable, args: unknown[], done: (ok: boolean, value: unknown) => void): void {
    let result: unknown;
    let settled = false;
    const once = (ok: boolean, value: unknown) => {
        if (!settled) {
            settled = true;
            done(ok, value);
        }
    };
    try {
        result = fn(...args);
        if (isThenable(result)) {
            result.then(v => once(true, v), e => once(false, e));
            return;
        }
    } catch (e) {
        once(false, e);
        return;
    }
    once(true, result);
}

/** Rewrites `x is not defined` when `x` is a variable the shipped source uses (a closure variable). */
function explain(error: unknown, source: string): unknown {
    if (!(error instanceof ReferenceError) || !source)
        return error;
    const m = /^(?:ReferenceError: )?([\w$]+) is not defined$/.exec(error.message);
    if (!m || !new RegExp(`(^|[^\\w$.])${m[1].replace(/\$/g, '\\$')}([^\\w$]|$)`).test(source))
        return error;
    const name = m[1];
    const fnName = /^(?:async\s+)?function\*?\s*([\w$]+)/.exec(source)?.[1];
    const rewritten = new ReferenceError(`"${name}" is not defined in the worker: the threaded function` +
        `${fnName ? ` ${fnName}()` : ''} runs in a worker process, where it sees only its arguments, what it ` +
        `imports itself and the worker's globals (kaa, GLib, Gio, GObject, imports) — not "${name}" from the code ` +
        `around it in the main process (a closure variable). Pass "${name}" as an argument instead.`);
    rewritten.stack = error.stack;
    return rewritten;
}
