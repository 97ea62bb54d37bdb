/**
 * The three pipes of a Process behind its `stdin`, `stdout` and `stderr`
 * IOChannels: wiring them to each new child, relaying output to the
 * Process's `read`/`readline` signals (with the stream's name), the dumpfile,
 * `read()`/`readline()` from either stream, `communicate()`, and what becomes
 * of the pipes when the child exits.
 *
 * At the exit:
 * - stdin is closed at once (queued writes fail: the reader is gone);
 * - an output stream somebody uses — a callback on the Process's or the
 *   channel's signals, a `read()`/`readline()` of the Process, the channel
 *   handed out by the `stdout`/`stderr` getter, `communicate()`, a dumpfile —
 *   is left open until it has been read to its end (the child's last words
 *   are still in the pipe);
 * - a stream nobody ever used is closed at once, its unread output
 *   discarded: nothing could read it any more, and its fd is released
 *   (otherwise every fire-and-forget child would leak two fds until a GC).
 * `finished` is emitted when the child has exited and both streams are closed.
 *
 * The IOChannel rules this file follows: reading happens only while
 * somebody wants data (a `read` callback, a pending call); channel
 * `readline()`/`read()` throw while callbacks are connected to the
 * channel's `readline` signal, so then the next line or chunk is taken from
 * the signals instead.
 * @module
 */
import Gio from 'gi://Gio';
import { describeValue } from '../notifier/errors.js';
import { logException } from '../notifier/log.js';
import { Signal, type Signals } from '../notifier/signals.js';
import { InProgress, onAbort } from '../async/inprogress.js';
import { IOChannel, IO_READ, IO_WRITE, type WriteData } from '../io/index.js';

/** The name of an output stream, as the `read`/`readline` signals pass it. */
export type StreamName = 'stdout' | 'stderr';

/** Where a Process copies its output: a file path (created or truncated) or an IOChannel. */
export type Dumpfile = string | IOChannel;

type OutputSignals = Signals<{
    read: [data: Uint8Array, stream: StreamName];
    readline: [line: string, stream: StreamName];
    exited: [code: number];
    finished: [code: number];
}>;

const EMPTY = new Uint8Array(0);
const INPUT_PIECE = 256 * 1024;
const decoder = new TextDecoder('utf-8');

function concat(chunks: Uint8Array[]): Uint8Array {
    if (chunks.length === 1)
        return chunks[0];
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
        out.set(c, at);
        at += c.length;
    }
    return out;
}

/** One output stream: its channel, its relays to the Process signals, and its bookkeeping. */
interface Output {
    readonly name: StreamName;
    channel: IOChannel;
    /** Somebody uses it: it is read to its end after the exit instead of being closed. */
    used: boolean;
    /** Closed in the current run. */
    closed: boolean;
    relayRead: ((data: Uint8Array) => void) | null;
    relayLine: ((line: string) => void) | null;
    onClosed: () => void;
}

/** The pipes of one Process. @internal */
export class ProcessStreams {
    readonly #signals: OutputSignals;
    readonly #name: () => string;
    readonly #out: Output;
    readonly #err: Output;
    readonly #stdin: IOChannel;
    #delimiter: string;
    #dump: { channel: IOChannel | null; stream: Gio.OutputStream | null; path: string | null } | null = null;
    #attaching = false;
    /** Called when both output streams of the current run are closed. */
    onBothClosed: (() => void) | null = null;

    /**
     * @param signals - the Process's signals (`read` and `readline` get `changed` hooks here).
     * @param options - the delimiter, the dumpfile and the Process's name for messages.
     * @throws TypeError for a bad delimiter or dumpfile.
     */
    constructor(signals: OutputSignals, options: { delimiter: string; dumpfile: Dumpfile | null; name: () => string }) {
        this.#signals = signals;
        this.#name = options.name;
        this.#delimiter = ProcessStreams.#checkDelimiter(options.delimiter);
        const { dumpfile } = options;
        if (dumpfile !== null && typeof dumpfile !== 'string' && !(dumpfile instanceof IOChannel))
            throw new TypeError(`Process: \`dumpfile\` must be a path, an IOChannel or null (got ${describeValue(dumpfile)})`);
        if (dumpfile !== null)
            this.#dump = typeof dumpfile === 'string' ? { channel: null, stream: null, path: dumpfile } : { channel: dumpfile, stream: null, path: null };
        this.#stdin = new IOChannel(null, { mode: IO_WRITE });
        this.#out = this.#output('stdout');
        this.#err = this.#output('stderr');
        this.#out.used = this.#err.used = dumpfile !== null;
        const changed = () => this.#updateRelays();
        (signals.read as Signal<unknown[]>).changed = changed;
        (signals.readline as Signal<unknown[]>).changed = changed;
    }

    static #checkDelimiter(value: unknown): string {
        if (typeof value !== 'string' || value === '')
            throw new TypeError(`Process: \`delimiter\` must be a non-empty string (got ${describeValue(value)})`);
        return value;
    }

    /** The child's stdin. */
    get stdin(): IOChannel {
        return this.#stdin;
    }

    /** The child's stdout; handing it out counts as using it. */
    get stdout(): IOChannel {
        this.#out.used = true;
        return this.#out.channel;
    }

    /** The child's stderr; handing it out counts as using it. */
    get stderr(): IOChannel {
        this.#err.used = true;
        return this.#err.channel;
    }

    /** True when both output streams of the current run are closed. */
    get bothClosed(): boolean {
        return this.#out.closed && this.#err.closed;
    }

    /** The line delimiter of both output streams. Setting it replaces their channels (connections move along). */
    get delimiter(): string {
        return this.#delimiter;
    }

    set delimiter(value: string) {
        this.#delimiter = ProcessStreams.#checkDelimiter(value);
        for (const o of [this.#out, this.#err]) {
            const old = o.channel;
            this.#unhook(o);
            o.channel = new IOChannel(null, { mode: IO_READ, delimiter: this.#delimiter }).steal(old);
            this.#hook(o);
        }
        this.#updateRelays();
    }

    /** Wires the channels to a new child's pipes. */
    attach(subprocess: Gio.Subprocess): void {
        this.#attaching = true;
        try {
            this.#stdin.wrap(subprocess.get_stdin_pipe() as Gio.OutputStream, IO_WRITE);
            this.#out.channel.wrap(subprocess.get_stdout_pipe() as Gio.InputStream, IO_READ);
            this.#err.channel.wrap(subprocess.get_stderr_pipe() as Gio.InputStream, IO_READ);
        } finally {
            this.#attaching = false;
        }
        this.#out.closed = this.#err.closed = false;
        if (this.#dump?.path && this.#dump.stream === null) {
            try {
                this.#dump.stream = Gio.File.new_for_path(this.#dump.path).replace(null, false, Gio.FileCreateFlags.NONE, null);
            } catch (error) {
                logException(error, `${this.#name()}: cannot open the dumpfile ${describeValue(this.#dump.path)}`);
            }
        }
    }

    /** The child has been reaped: stdin is closed, unused output streams too. */
    childExited(): void {
        this.#stdin.close({ immediate: true });
        for (const o of [this.#out, this.#err]) {
            const used = o.used || o.channel.signals.read.count > 0 || o.channel.signals.readline.count > 0;
            if (!used)
                o.channel.close({ immediate: true });
        }
    }

    /** Closes stdin at once (the stop escalation does, before SIGTERM). */
    closeStdin(): void {
        this.#stdin.close({ immediate: true });
    }

    /** Writes to stdin (what `IOChannel.write()` throws, it throws). */
    write(data: WriteData): InProgress<number> {
        return this.#stdin.write(data);
    }

    /** The next chunk of either stream; empty once both ended. */
    read(): InProgress<Uint8Array> {
        return this.#race(o => this.#nextChunk(o), (v: Uint8Array) => v.length === 0, EMPTY);
    }

    /** The next line of either stream; the last partial line, then `''`, once both ended. */
    readline(): InProgress<string> {
        return this.#race(o => this.#nextLine(o), (v: string) => v === '', '');
    }

    /**
     * Writes `input` to stdin in pieces (within the write queue's limit),
     * closes stdin, and collects both streams until they are closed.
     * @returns an InProgress of `[stdout, stderr]`; aborting it stops collecting.
     */
    collect(input: string | Uint8Array | null): InProgress<[string, string]> {
        const ip = new InProgress<[string, string]>({ name: `${this.#name()}: output` });
        const parts: [Uint8Array[], Uint8Array[]] = [[], []];
        const outputs = [this.#out, this.#err];
        const handlers = outputs.map((_o, i) => (data: Uint8Array) => void parts[i].push(data));
        const closers = outputs.map(() => () => check());
        const cut = () => outputs.forEach((o, i) => {
            o.channel.signals.read.disconnect(handlers[i]);
            o.channel.signals.closed.disconnect(closers[i]);
        });
        const check = () => {
            if (ip.finished || !outputs.every(o => !o.channel.alive))
                return;
            cut();
            ip.finish([decoder.decode(concat(parts[0])), decoder.decode(concat(parts[1]))]);
        };
        outputs.forEach((o, i) => {
            o.used = true;
            o.channel.signals.read.connect(handlers[i]);
            o.channel.signals.closed.connect(closers[i]);
        });
        onAbort(ip as InProgress<unknown>, cut);
        this.#feed(typeof input === 'string' ? new TextEncoder().encode(input) : input ?? EMPTY);
        check();
        return ip;
    }

    #feed(bytes: Uint8Array): void {
        const stdin = this.#stdin;
        let offset = 0;
        const pump = (): void => {
            while (offset < bytes.length) {
                if (!stdin.writable)
                    return;
                const piece = bytes.subarray(offset, offset + INPUT_PIECE);
                offset += piece.length;
                const written = stdin.write(piece);
                if (!written.finished) {
                    written.connectBoth(pump, () => undefined); // a child that stops reading: stop writing
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

    #output(name: StreamName): Output {
        const o: Output = {
            name, used: false, closed: true, relayRead: null, relayLine: null, onClosed: () => undefined,
            channel: new IOChannel(null, { mode: IO_READ, delimiter: this.#delimiter }),
        };
        o.onClosed = () => {
            if (this.#attaching || o.closed)
                return;
            o.closed = true;
            this.#dumpClosed();
            if (this.bothClosed)
                this.onBothClosed?.();
        };
        this.#hook(o);
        return o;
    }

    /** Connects this file's own callbacks to `o`'s channel (the relays follow the Process's signals). */
    #hook(o: Output): void {
        o.channel.signals.closed.connect(o.onClosed);
        if (this.#dump !== null)
            o.channel.signals.read.connect(this.#dumpData);
    }

    /** Cuts this file's own callbacks from `o`'s channel. */
    #unhook(o: Output): void {
        const signals = o.channel.signals;
        signals.closed.disconnect(o.onClosed);
        signals.read.disconnect(this.#dumpData);
        if (o.relayRead)
            signals.read.disconnect(o.relayRead);
        if (o.relayLine)
            signals.readline.disconnect(o.relayLine);
        o.relayRead = o.relayLine = null;
    }

    /** Connects or cuts the relays from the channels to the Process's `read`/`readline` signals. */
    #updateRelays(): void {
        const wantRead = this.#signals.read.count > 0;
        const wantLine = this.#signals.readline.count > 0;
        for (const o of [this.#out, this.#err]) {
            if (wantRead || wantLine)
                o.used = true;
            if (wantRead && !o.relayRead) {
                o.relayRead = data => void this.#signals.read.emit(data, o.name);
                o.channel.signals.read.connect(o.relayRead);
            } else if (!wantRead && o.relayRead) {
                o.channel.signals.read.disconnect(o.relayRead);
                o.relayRead = null;
            }
            if (wantLine && !o.relayLine) {
                o.relayLine = line => void this.#signals.readline.emit(line, o.name);
                o.channel.signals.readline.connect(o.relayLine);
            } else if (!wantLine && o.relayLine) {
                o.channel.signals.readline.disconnect(o.relayLine);
                o.relayLine = null;
            }
        }
    }

    /** The next value of one stream from its signal (while `readline` callbacks own the channel's queue). */
    #fromSignal<T>(o: Output, signal: Signal<[T]>, empty: T): InProgress<T> {
        const ip = new InProgress<T>({ name: `${this.#name()}: ${o.name}` });
        const take = (value: T) => {
            cut();
            ip.finish(value);
        };
        const end = () => {
            cut();
            ip.finish(empty);
        };
        const cut = () => {
            signal.disconnect(take);
            o.channel.signals.closed.disconnect(end);
        };
        signal.connect(take);
        o.channel.signals.closed.connect(end);
        onAbort(ip as InProgress<unknown>, cut);
        return ip;
    }

    #nextChunk(o: Output): InProgress<Uint8Array> {
        const ch = o.channel;
        if (!ch.readable)
            return new InProgress<Uint8Array>().finish(EMPTY);
        if (ch.signals.readline.count > 0)
            return this.#fromSignal(o, ch.signals.read, EMPTY);
        return ch.read();
    }

    #nextLine(o: Output): InProgress<string> {
        const ch = o.channel;
        if (!ch.readable)
            return new InProgress<string>().finish('');
        if (ch.signals.readline.count > 0)
            return this.#fromSignal(o, ch.signals.readline, '');
        return ch.readline();
    }

    /**
     * The first non-empty value of stdout or stderr; the other request is
     * withdrawn (a channel request that is aborted takes nothing from its queue).
     */
    #race<T>(next: (o: Output) => InProgress<T>, isEmpty: (v: T) => boolean, empty: T): InProgress<T> {
        this.#out.used = this.#err.used = true;
        const ip = new InProgress<T>({ name: `${this.#name()}: next output` });
        const pending: InProgress<T>[] = [];
        let decided = false;
        const settle = (value: T) => {
            if (decided)
                return;
            decided = true;
            for (const p of pending) {
                if (!p.finished)
                    p.abort();
            }
            ip.finish(value);
        };
        for (const o of [this.#out, this.#err]) {
            const p = next(o);
            if (p.finished && !p.failed && !isEmpty(p.result)) {
                settle(p.result);
                return ip;
            }
            pending.push(p);
        }
        let ended = 0;
        for (const p of pending) {
            p.connectBoth(value => {
                if (!isEmpty(value))
                    settle(value);
                else if (++ended === pending.length)
                    settle(empty);
            }, error => {
                if (!decided) {
                    decided = true;
                    ip.throw(error);
                }
            });
        }
        onAbort(ip as InProgress<unknown>, () => pending.forEach(p => !p.finished && p.abort()));
        return ip;
    }

    readonly #dumpData = (data: Uint8Array): void => {
        const dump = this.#dump;
        try {
            if (dump?.stream)
                dump.stream.write_all(data, null);
            else if (dump?.channel?.writable)
                dump.channel.write(data.slice());
        } catch (error) {
            logException(error, `${this.#name()}: writing to the dumpfile failed`);
        }
    };

    #dumpClosed(): void {
        const dump = this.#dump;
        if (!this.bothClosed || !dump?.stream)
            return;
        try {
            dump.stream.close(null);
        } catch (error) {
            logException(error, `${this.#name()}: closing the dumpfile failed`);
        }
        dump.stream = null;
    }
}
