/**
 * Calls from a worker into the main process: `kaa.expose(name, fn)` in the
 * main process, `kaa.callMain(name, ...args)` in any worker (an
 * InProgress). The request and its answer travel on the worker's own pipes,
 * with the same codec as `threaded()` calls, so the marshalling goes both
 * ways: a worker function may wait for the main process while the main
 * process waits for it.
 *
 * The worker host registers its link here ({@link setHostLink}); that is
 * also how {@link isMainthread} knows it runs in a worker.
 * @module
 */
import { describeValue } from '../notifier/errors.js';
import { logException } from '../notifier/log.js';
import { InProgress } from '../async/inprogress.js';
import { Encoder, isPlain } from './codec.js';
import { encodeFrame, encodeFrameParts, MAIN_CALL, RESULT, type Message } from './protocol.js';

/** What a worker host gives this module: a way to send frames to the main process. */
export interface HostLink {
    /** Sends a frame to the main process; false when the link is closed. */
    send(frame: Uint8Array | readonly Uint8Array[]): boolean;
}

type Exposed = (...args: never[]) => unknown;

const exposed = new Map<string, Exposed>();
const pending = new Map<number, InProgress<unknown>>();
let link: HostLink | null = null;
let nextId = 1;

/**
 * Whether this code runs in the main process (false in a worker process).
 * @returns true in the main process.
 * @example
 * if (!kaa.isMainthread()) print('in a worker');
 */
export function isMainthread(): boolean {
    return link === null;
}

/**
 * Registers the worker host's link (called once by the host). @internal
 * @param hostLink - how to reach the main process.
 * @example
 * setHostLink({ send: frame => transport.send(frame) });
 */
export function setHostLink(hostLink: HostLink): void {
    link = hostLink;
}

/**
 * Makes `fn` callable from workers as `kaa.callMain(name, ...args)`. It runs
 * in the main process, on the main loop; it may return a value, a Promise or
 * an InProgress. Exposing a name again replaces the function; `null` removes it.
 * @param name - the name workers call it by.
 * @param fn - the function, or null to remove.
 * @throws TypeError when `name` is not a non-empty string or `fn` not a function.
 * @example
 * kaa.expose('log', (line: string) => print(line));
 * // in a worker: await kaa.callMain('log', 'hello from a worker');
 */
export function expose(name: string, fn: ((...args: never[]) => unknown) | null): void {
    if (typeof name !== 'string' || !name)
        throw new TypeError(`expose(): \`name\` must be a non-empty string (got ${describeValue(name)})`);
    if (fn === null) {
        exposed.delete(name);
        return;
    }
    if (typeof fn !== 'function')
        throw new TypeError(`expose(): \`fn\` must be a function (got ${describeValue(fn)})`);
    exposed.set(name, fn);
}

/**
 * Calls the function the main process exposed as `name`. In a worker the
 * arguments and the result cross the pipes (same rules as `threaded()`);
 * in the main process the function is called directly.
 * @param name - the exposed name.
 * @param args - its arguments.
 * @returns an InProgress of its result; it fails when nothing is exposed as
 *   `name`, when the function fails, or when the worker loses its link.
 * @throws TypeError (at once) for an argument that cannot be sent, naming its path.
 * @example
 * const count = await kaa.callMain('countFiles', '/tmp');
 */
export function callMain(name: string, ...args: unknown[]): InProgress<unknown> {
    if (typeof name !== 'string' || !name)
        throw new TypeError(`callMain(): \`name\` must be a non-empty string (got ${describeValue(name)})`);
    const ip = new InProgress<unknown>({ name: 'callMain' });
    if (link === null)
        return ip.execute(() => callExposed(name, args));
    const encoder = new Encoder();
    const encoded = encoder.encode(args, 'args');
    const id = nextId++;
    pending.set(id, ip);
    if (!link.send(encodeFrame([MAIN_CALL, id, name, encoded], encoder))) {
        pending.delete(id);
        ip.throw(new Error(`callMain(${JSON.stringify(name)}): the link to the main process is closed`));
    }
    return ip;
}

function callExposed(name: string, args: unknown[]): unknown {
    const fn = exposed.get(name);
    if (!fn)
        throw new Error(`callMain(): the main process exposes no function named ${JSON.stringify(name)} (see kaa.expose())`);
    return (fn as (...a: unknown[]) => unknown)(...args);
}

/**
 * Answers a MAIN_CALL from a worker (in the main process). @internal
 * @param message - `[MAIN_CALL, id, name, args]`.
 * @param reply - sends the RESULT frame back.
 * @example
 * case MAIN_CALL: serveMainCall(message, frame => worker.reply(frame)); break;
 */
export function serveMainCall(message: Message, reply: (frame: Uint8Array | Uint8Array[]) => void): void {
    const [, id, name, args] = message as [number, number, string, unknown[]];
    const answer = (ok: boolean, value: unknown) => reply(encodeResult(id, ok, value));
    const ip = new InProgress<unknown>().execute(() => callExposed(name, Array.isArray(args) ? args : []));
    ip.connectBoth(v => answer(true, v), e => answer(false, e));
}

/**
 * Builds a RESULT frame; a value that cannot be sent becomes the TypeError saying so.
 * @param id - the call id.
 * @param ok - success or failure.
 * @param value - the result or the error.
 * @returns the frame, or its parts (a large binary value is not copied into it).
 * @example
 * link.send(encodeResult(id, true, value));
 */
export function encodeResult(id: number, ok: boolean, value: unknown): Uint8Array | Uint8Array[] {
    if (ok && isPlain(value))
        return encodeFrame([RESULT, id, 1, value], null); // nothing to tag or carry: no Encoder
    let encoder = new Encoder();
    try {
        return encodeFrameParts([RESULT, id, ok ? 1 : 0, encoder.encode(value, ok ? 'result' : 'error')], encoder);
    } catch (e) {
        encoder = new Encoder();
        const error = e instanceof Error ? e : new Error(String(e));
        try {
            return encodeFrame([RESULT, id, 0, encoder.encode(error, 'error')], encoder);
        } catch {
            encoder = new Encoder();
            return encodeFrame([RESULT, id, 0, encoder.encode(new Error(String(value)), 'error')], encoder);
        }
    }
}

/**
 * The `callMain()` calls of this worker still waiting for their answer. @internal
 * @returns the count.
 * @example
 * if (pendingMainCalls() === 0) block();
 */
export function pendingMainCalls(): number {
    return pending.size;
}

/**
 * Settles a pending `callMain()` with the main process's answer (in a worker). @internal
 * @param message - `[RESULT, id, ok, value]`.
 * @example
 * case RESULT: settleMainCall(message); break;
 */
export function settleMainCall(message: Message): void {
    const ip = pending.get(message[1] as number);
    if (!ip) {
        logException(new Error(`no callMain() waits for answer ${String(message[1])}`), 'kaa worker');
        return;
    }
    pending.delete(message[1] as number);
    if (message[2])
        ip.finish(message[3]);
    else
        ip.throw(message[3]);
}

/**
 * Fails every pending `callMain()` (the link to the main process closed). @internal
 * @param error - the failure.
 * @example
 * failMainCalls(new Error('the link to the main process closed'));
 */
export function failMainCalls(error: Error): void {
    const all = [...pending.values()];
    pending.clear();
    for (const ip of all)
        ip.throw(error);
}
