/**
 * Every error class kaa throws, plus {@link describeValue}, which names a bad
 * value in a misuse message (`` `interval` must be a finite number >= 0 (got -1) ``).
 *
 * Each class sets `name` (so stacks and `String(error)` say what it is) and
 * takes the ES2022 `{cause}` option: kaa puts the underlying `GLib.Error` or
 * the failure it wraps there.
 * @module
 */

/** Options every kaa error accepts: the underlying failure as `cause`. */
export interface KaaErrorOptions {
    /** The error this one wraps, e.g. a `GLib.Error` from Gio. */
    cause?: unknown;
}

/**
 * Thrown by a `WeakCallable` (or a weak signal connection) called after its
 * target died, was disposed or was killed.
 * @example
 * const cb = new WeakCallable(widget, 'refresh');
 * widget.destroy();
 * cb(); // throws CallableError
 */
export class CallableError extends Error {
    override name = 'CallableError';

    /**
     * @param message - what was called and why it is dead.
     * @param options - `{cause}`.
     */
    constructor(message = 'the weak callable is dead', options?: KaaErrorOptions) {
        super(message, options);
    }
}

/**
 * Thrown by user code (or `main.exit()`) to end `main.run()`, which returns
 * `code` as its exit status; signal emission and the loop let it through.
 * @example
 * timer = new OneShotTimer(() => { throw new SystemExit(3); });
 */
export class SystemExit extends Error {
    override name = 'SystemExit';
    /** The exit status `main.run()` returns. */
    readonly code: number;

    /**
     * @param code - the exit status, an integer from 0 to 255.
     * @param options - `{cause}`.
     * @throws TypeError when `code` is not an integer from 0 to 255.
     */
    constructor(code = 0, options?: KaaErrorOptions) {
        if (!Number.isInteger(code) || code < 0 || code > 255)
            throw new TypeError(`\`code\` must be an integer from 0 to 255 (got ${describeValue(code)})`);
        super(`exit with status ${code}`, options);
        this.code = code;
    }
}

/** Options of {@link InProgressAborted} and {@link TimeoutException}. */
export interface InProgressAbortedOptions extends KaaErrorOptions {
    /** The InProgress that was aborted. */
    inprogress?: unknown;
    /** The InProgress (or other object) where the abort started, if elsewhere. */
    origin?: unknown;
}

/**
 * Raised into whatever waits on an InProgress (a coroutine, an `await`, a
 * callback) when that InProgress is aborted with `abort()`.
 * @example
 * try { await job; } catch (e) { if (e instanceof InProgressAborted) print('cancelled'); }
 */
export class InProgressAborted extends Error {
    override name = 'InProgressAborted';
    /** The InProgress that was aborted, when known. */
    readonly inprogress: unknown;
    /** Where the abort started, when it came from another object. */
    readonly origin: unknown;

    /**
     * @param message - why it was aborted.
     * @param options - `{cause, inprogress, origin}`.
     */
    constructor(message = 'the InProgress was aborted', options?: InProgressAbortedOptions) {
        super(message, options);
        this.inprogress = options?.inprogress;
        this.origin = options?.origin;
    }
}

/** Options of {@link InProgressStateError} and {@link AbortRefused}. */
export interface InProgressStateErrorOptions extends KaaErrorOptions {
    /** The InProgress that refused. */
    inprogress?: unknown;
    /** Its state then: `'pending'`, `'following'`, `'finished'`, `'failed'` or `'aborted'`. */
    state?: string;
}

/**
 * Thrown by an InProgress asked for what its state does not allow:
 * `finish()`, `throw()`, `execute()` or `waitFor()` once it ended or while
 * it follows another InProgress or Promise, `result` before it ended, and
 * `abort()` once it ended. (src/async/core.ts lists the states.)
 * @example
 * new InProgress().finish(1).finish(2); // throws InProgressStateError
 */
export class InProgressStateError extends Error {
    override name = 'InProgressStateError';
    /** The InProgress, when known. */
    readonly inprogress: unknown;
    /** Its state when it refused, when known. */
    readonly state: string | undefined;

    /**
     * @param message - what was asked and why it cannot be done.
     * @param options - `{cause, inprogress, state}`.
     */
    constructor(message = 'the InProgress cannot do that in its state', options?: InProgressStateErrorOptions) {
        super(message, options);
        this.inprogress = options?.inprogress;
        this.state = options?.state;
    }
}

/**
 * Thrown by `InProgress.abort()` when the InProgress is not abortable or a
 * `signals.abort` handler returned `false`: the work goes on.
 * @example
 * ip.signals.abort.connect(() => false);
 * ip.abort(); // throws AbortRefused
 */
export class AbortRefused extends InProgressStateError {
    override name = 'AbortRefused';

    /**
     * @param message - who refused.
     * @param options - `{cause, inprogress, state}`.
     */
    constructor(message = 'the abort was refused', options?: InProgressStateErrorOptions) {
        super(message, options);
    }
}

/**
 * Raised by `InProgress.timeout()` and `InProgress.wait(timeout)` when the
 * time runs out before the InProgress finished.
 * @example
 * await job.timeout(5); // fails with TimeoutException after 5 s
 */
export class TimeoutException extends InProgressAborted {
    override name = 'TimeoutException';

    /**
     * @param message - what timed out and after how long.
     * @param options - `{cause, inprogress, origin}`.
     */
    constructor(message = 'the InProgress timed out', options?: InProgressAbortedOptions) {
        super(message, options);
    }
}

/** Options of {@link WorkerError}. */
export interface WorkerErrorOptions extends KaaErrorOptions {
    /** The worker's exit status, when it exited. */
    status?: number;
    /** The signal that killed the worker, when it was killed. */
    signal?: number;
    /** The last lines the worker wrote to stderr. */
    stderrTail?: string;
}

/**
 * Fails the in-flight calls of a worker process that died or could not be
 * started, and calls made to a pool that was stopped.
 * @example
 * threaded()(() => { imports.system.exit(1); })().catch(e => print(e.status)); // 1
 */
export class WorkerError extends Error {
    override name = 'WorkerError';
    /** The worker's exit status, when it exited. */
    readonly status: number | undefined;
    /** The signal that killed the worker, when it was killed. */
    readonly signal: number | undefined;
    /** The last lines the worker wrote to stderr, when any. */
    readonly stderrTail: string | undefined;

    /**
     * @param message - what happened to the worker.
     * @param options - `{cause, status, signal, stderrTail}`.
     */
    constructor(message = 'the worker process failed', options?: WorkerErrorOptions) {
        super(message, options);
        this.status = options?.status;
        this.signal = options?.signal;
        this.stderrTail = options?.stderrTail;
    }
}

/**
 * Raised by `Socket` when connecting, listening, accepting or a TLS handshake
 * fails; the `GLib.Error` from Gio is its `cause`.
 * @example
 * socket.connect('localhost:1').catch(e => print(e instanceof SocketError)); // true
 */
export class SocketError extends Error {
    override name = 'SocketError';

    /**
     * @param message - what failed, with the address.
     * @param options - `{cause}`.
     */
    constructor(message = 'socket operation failed', options?: KaaErrorOptions) {
        super(message, options);
    }
}

const MAX_STRING = 40;

/**
 * Names a value for a misuse message, short and unambiguous: numbers and
 * other primitives as written (`-1`, `NaN`, `5n`, `undefined`), strings
 * quoted (`"abc"`, long ones cut), functions as `a function`, arrays as
 * `an array`, plain objects as `an object`, other objects by class (`a Date`).
 * @param v - any value.
 * @returns a short description to put after `got ` in a message.
 * @example
 * throw new TypeError(`\`interval\` must be a finite number >= 0 (got ${describeValue(-1)})`);
 */
export function describeValue(v: unknown): string {
    switch (typeof v) {
    case 'string':
        return JSON.stringify(v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}…` : v);
    case 'number':
        return Object.is(v, -0) ? '-0' : String(v);
    case 'bigint':
        return `${v}n`;
    case 'function':
        return 'a function';
    case 'object':
        return v === null ? 'null' : describeObject(v);
    default: // undefined, boolean, symbol
        return String(v);
    }
}

function describeObject(v: object): string {
    if (Array.isArray(v))
        return 'an array';
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === null || proto === Object.prototype)
        return 'an object';
    const ctor: unknown = (proto as { constructor?: unknown }).constructor;
    // GJS names the class of a GObject type missing from the typelibs 'unknown_GLocalFile': say 'GLocalFile'.
    const name = typeof ctor === 'function' && ctor.name ? ctor.name.replace(/^unknown_/, '').replace(/_/g, '.') : '';
    if (!name)
        return 'an object';
    return `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}`; // 'a Uint8Array'
}
