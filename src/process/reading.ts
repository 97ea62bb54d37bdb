/**
 * Taking output from a child's two output channels at once: the next chunk
 * or line of whichever stream has one (`Process.read()`/`readline()`), and
 * everything until both end while feeding stdin (`communicate()`).
 *
 * The IOChannel rules this file follows: a channel reads from the OS only
 * while somebody wants data; its `read()`/`readline()` throw while
 * callbacks are connected to its `readline` signal (they own its queue), so
 * then the next chunk or line is taken from its signals instead; an aborted
 * `read()`/`readline()` takes nothing from the queue, so the request that
 * loses a race is simply withdrawn.
 * @module
 */
import system from 'system';
import type { IOChannel } from '../io/index.js';
import type { Signal } from '../notifier/signals.js';
import { InProgress, onAbort } from '../async/inprogress.js';

const EMPTY = new Uint8Array(0);
const INPUT_PIECE = 256 * 1024;
const decoder = new TextDecoder('utf-8');
/** `communicate()` finishes a GC after collecting this many bytes (see {@link TextCollector}). */
const COLLECT_GC_EVERY = 16 * 1024 * 1024;
let collectedSinceGc = 0;

/** The next value of a channel from one of its signals (or `empty` when it closes). */
function fromSignal<T>(channel: IOChannel, signal: Signal<[T]>, empty: T): InProgress<T> {
    const ip = new InProgress<T>({ name: 'Process output' });
    const cut = () => {
        signal.disconnect(take);
        channel.signals.closed.disconnect(end);
    };
    const take = (value: T) => {
        cut();
        ip.finish(value);
    };
    const end = () => {
        cut();
        ip.finish(empty);
    };
    signal.connect(take);
    channel.signals.closed.connect(end);
    onAbort(ip as InProgress<unknown>, cut);
    return ip;
}

/**
 * The next chunk of a channel; an empty array at its end.
 * @param channel - an output channel.
 * @returns an InProgress of the bytes.
 * @example
 * nextChunk(stdout).connect(data => print(data.length));
 */
export function nextChunk(channel: IOChannel): InProgress<Uint8Array> {
    if (!channel.readable)
        return new InProgress<Uint8Array>().finish(EMPTY);
    if (channel.signals.readline.count > 0)
        return fromSignal(channel, channel.signals.read, EMPTY);
    return channel.read();
}

/**
 * The next line of a channel (with its delimiter); the last partial line,
 * then `''`, at its end.
 * @param channel - an output channel.
 * @returns an InProgress of the line.
 * @example
 * nextLine(stderr).connect(print);
 */
export function nextLine(channel: IOChannel): InProgress<string> {
    if (!channel.readable)
        return new InProgress<string>().finish('');
    if (channel.signals.readline.count > 0)
        return fromSignal(channel, channel.signals.readline, '');
    return channel.readline();
}

/**
 * The first non-empty value `next` gives for any of `channels`; the other
 * requests are withdrawn. Finishes with `empty` once every channel ended.
 * @param channels - the output channels.
 * @param next - `nextChunk` or `nextLine`.
 * @param empty - what a channel at its end gives.
 * @returns an InProgress of the value; aborting it withdraws every request.
 * @example
 * race([stdout, stderr], nextLine, '').connect(print);
 */
export function race<T>(channels: readonly IOChannel[], next: (channel: IOChannel) => InProgress<T>, empty: T): InProgress<T> {
    const ip = new InProgress<T>({ name: 'Process output' });
    const pending: InProgress<T>[] = [];
    let decided = false;
    const settle = (fn: () => void) => {
        if (decided)
            return;
        decided = true;
        for (const p of pending) {
            if (!p.finished)
                p.abort();
        }
        fn();
    };
    for (const channel of channels) {
        const p = next(channel);
        if (p.finished && !p.failed && p.result !== empty && !isEmptyChunk(p.result)) {
            settle(() => ip.finish(p.result));
            return ip;
        }
        pending.push(p);
    }
    let ended = 0;
    for (const p of pending) {
        p.connectBoth(value => {
            if (value !== empty && !isEmptyChunk(value))
                settle(() => ip.finish(value));
            else if (++ended === pending.length)
                settle(() => ip.finish(empty));
        }, error => settle(() => ip.throw(error)));
    }
    onAbort(ip as InProgress<unknown>, () => settle(() => undefined));
    return ip;
}

function isEmptyChunk(value: unknown): boolean {
    return value instanceof Uint8Array && value.length === 0;
}

/**
 * Where the last, possibly incomplete, UTF-8 sequence of `bytes` starts:
 * `bytes.length` when it ends on a whole character (or on bytes no
 * sequence could complete, which the decoder replaces either way).
 */
function completeLength(bytes: Uint8Array): number {
    const n = bytes.length;
    for (let k = 1; k <= Math.min(3, n); k++) {
        const b = bytes[n - k];
        if ((b & 0xc0) === 0x80)
            continue; // a continuation byte: look further back for the lead
        const need = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 1;
        return need > k ? n - k : n;
    }
    return n;
}

/**
 * Decodes one stream's UTF-8 chunk by chunk, as it arrives, into a string
 * built by concatenation (a rope: no piece is copied again here).
 *
 * Why not keep the bytes and decode them at the end: GJS's `TextDecoder`
 * (no `stream` option on 1.74) needs about three times its input in
 * temporaries (100 MiB decoded at once peaked 300 MiB over the bytes), and
 * the bytes, their concatenation and the text would all be alive at once —
 * a 100 MiB `communicate()` peaked at 500–600 MiB. Decoded per chunk, the
 * chunks and temporaries are small garbage, and what stays is the text.
 * That garbage (each chunk, and the `GLib.Bytes` it was read into, which
 * only a GC frees) is collected every {@link COLLECT_GC_EVERY} bytes: with
 * the IO layer's GC every 64 MiB alone, 100 MiB peaked 200–207 MiB over the
 * baseline; with this, 155–170 (every 4 MiB: 145–155, at twice the time).
 */
class TextCollector {
    #text = '';
    #carry: Uint8Array | null = null;

    /** Takes the next chunk; a sequence cut at its end waits for the next one. */
    readonly add = (data: Uint8Array): void => {
        collectedSinceGc += data.length;
        if (collectedSinceGc >= COLLECT_GC_EVERY) {
            collectedSinceGc = 0;
            system.gc();
        }
        let bytes = data;
        if (this.#carry !== null) {
            bytes = new Uint8Array(this.#carry.length + data.length);
            bytes.set(this.#carry);
            bytes.set(data, this.#carry.length);
            this.#carry = null;
        }
        const end = completeLength(bytes);
        if (end < bytes.length)
            this.#carry = bytes.slice(end);
        if (end > 0)
            this.#text += decoder.decode(end < bytes.length ? bytes.subarray(0, end) : bytes);
    };

    /** The text; an incomplete sequence at the very end decodes to U+FFFD, as a whole-buffer decode would. */
    finish(): string {
        if (this.#carry !== null)
            this.#text += decoder.decode(this.#carry);
        this.#carry = null;
        return this.#text;
    }
}

/**
 * Writes `input` to `stdin` in pieces that fit its write queue, one after
 * another as each is flushed, then closes it. A child that stops reading
 * (the write fails) just ends the writing.
 * @param stdin - the child's stdin channel.
 * @param input - the bytes.
 * @example
 * feed(stdin, new TextEncoder().encode('b\na\n'));
 */
export function feed(stdin: IOChannel, input: Uint8Array): void {
    let offset = 0;
    const pump = (): void => {
        while (offset < input.length) {
            if (!stdin.writable)
                return;
            const piece = input.subarray(offset, offset + Math.min(INPUT_PIECE, stdin.queueSize));
            offset += piece.length;
            const written = stdin.write(piece);
            if (!written.finished) {
                written.connectBoth(pump, () => undefined);
                return;
            }
            if (written.failed)
                return void written.exception;
        }
        if (stdin.writable)
            stdin.close();
    };
    pump();
}

/**
 * Collects everything `stdout` and `stderr` deliver until both are closed.
 * @param stdout - the stdout channel.
 * @param stderr - the stderr channel.
 * @returns an InProgress of both, decoded as UTF-8; aborting it stops collecting.
 * @example
 * collect(stdout, stderr).connect(([out, err]) => print(out, err));
 */
export function collect(stdout: IOChannel, stderr: IOChannel): InProgress<[string, string]> {
    const ip = new InProgress<[string, string]>({ name: 'Process.communicate() output' });
    const channels = [stdout, stderr];
    const texts = [new TextCollector(), new TextCollector()];
    const cut = () => channels.forEach((c, i) => {
        c.signals.read.disconnect(texts[i].add);
        c.signals.closed.disconnect(check);
    });
    const check = () => {
        if (ip.finished || channels.some(c => c.alive))
            return;
        cut();
        ip.finish([texts[0].finish(), texts[1].finish()]);
    };
    channels.forEach((c, i) => {
        c.signals.read.connect(texts[i].add);
        c.signals.closed.connect(check);
    });
    onAbort(ip as InProgress<unknown>, cut);
    check();
    return ip;
}
