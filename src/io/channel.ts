/**
 * `IOChannel`: buffered, non-blocking reading and writing of an fd or Gio
 * stream (kaa.base's `kaa.IOChannel`). How bytes move is transport.ts's
 * business (fd watches and synchronous non-blocking reads for fds, pipes
 * and sockets; async reads for TLS); this file keeps the queues and the API.
 *
 * Reading. The channel reads from the OS only while someone wants data: a
 * pending `read()`/`readline()`, an open `lines()`/`chunks()` iterator, or a
 * callback on the `read` or `readline` signal; and, while the data goes to
 * the read queue, only while that queue holds less than `queueSize`
 * (backpressure: the rest stays in the kernel). Every chunk is first emitted
 * on `read` (which never takes it from anyone); it is then queued for the
 * pulling calls and `readline` callbacks, or dropped when `read` callbacks
 * are the only consumers. At end of file a pending `read()` finishes with an
 * empty array and a pending `readline()` with the last partial line or `''`,
 * and the channel closes (`closed(false)`) once its write queue is flushed.
 *
 * Writing. `write()` queues the bytes (a view of the caller's array, not a
 * copy: don't change it until the write finished), tries to hand them to the
 * OS at once, and finishes its InProgress with the byte count once all of
 * them were handed over. A write that would take the queue beyond
 * `queueSize` throws and queues nothing. A failed write (`EPIPE`: the reader
 * is gone) fails with an Error whose `cause` is the `GLib.Error`, fails the
 * queued writes, and closes the channel (`closed(false)`); such failures are
 * not reported as unhandled (the `closed` signal tells).
 * @module
 */
import { InProgress } from '../async/inprogress.js';
import { describeValue } from '../notifier/errors.js';
import { Signal, Signals, type SignalMap } from '../notifier/signals.js';
import { IO_READ, IO_WRITE } from './monitor.js';
import { parseCloseOptions, parseOptions, positiveInteger, toBytes, type CloseOptions, type IOChannelOptions, type WriteData } from './options.js';
import { ChannelReader } from './reader.js';
import { openTransport, type ChannelSource } from './source.js';
import type { Transport } from './transport.js';
import { ChannelWriter } from './writer.js';

export type { CloseOptions, IOChannelOptions, WriteData } from './options.js';

/** The signals of an IOChannel: `read(data)`, `readline(line)`, `closed(expected)`. */
export interface IOChannelSignalMap<Line extends string | Uint8Array = string> {
    read: [data: Uint8Array];
    readline: [line: Line];
    closed: [expected: boolean];
}

/** Subclasses list extra signal names under this key (Socket: `newClient` …). @internal */
export const extraSignals: unique symbol = Symbol('kaa.io.extraSignals');

/** Replaces a channel's transport (the TLS upgrade); `null` pauses IO, keeping the old one. @internal */
export let setTransport: (channel: IOChannel<string | Uint8Array, IOChannelSignalMap<string | Uint8Array>>,
    transport: Transport | null) => void;

/**
 * Reads and writes an fd, a pipe, a socket or a Gio stream without blocking
 * the loop, with read and write queues, lines, backpressure and end-of-file
 * handling.
 * @example
 * const proc = Gio.Subprocess.new(['cat'], Gio.SubprocessFlags.STDIN_PIPE | Gio.SubprocessFlags.STDOUT_PIPE);
 * const input = new kaa.IOChannel(proc.get_stdin_pipe());
 * const output = new kaa.IOChannel(proc.get_stdout_pipe());
 * await input.write('hello\n');
 * print(await output.readline()); // "hello\n"
 * await input.close();
 */
export class IOChannel<Line extends string | Uint8Array = string,
    M extends IOChannelSignalMap<Line> & SignalMap<M> = IOChannelSignalMap<Line>> {
    /** `read(data)`, `readline(line)`, `closed(expected)` (and a subclass's own). */
    readonly signals: Signals<M>;
    readonly #reader: ChannelReader<Line>;
    readonly #writer: ChannelWriter;
    readonly #closedSignal = new Signal<[boolean]>();
    readonly #closeFd: boolean;
    readonly #mode: number | undefined;
    #transport: Transport | null = null;
    #state: 'new' | 'open' | 'closed' = 'new';
    #closing: { expected: boolean; waiters: InProgress<void>[] } | null = null;

    static {
        setTransport = (channel, transport) => channel.#setTransport(transport);
    }

    /**
     * @param source - an fd, an object with `fileno()`, a Gio stream, or
     *   nothing (call `wrap()` later).
     * @param options - `{mode, chunkSize, delimiter, queueSize, maxLineLength, encoding, closeFd}`.
     * @throws TypeError naming a bad or unknown option or a bad source; RangeError for a size or fd beyond its maximum; Error for a closed fd.
     */
    constructor(source?: ChannelSource | null, options: IOChannelOptions = {}) {
        const { mode, encoding, closeFd, chunkSize, queueSize, delimiters, maxLineLength } = parseOptions(options);
        this.#mode = mode;
        this.#closeFd = closeFd;
        const hook = () => this.#reader.update();
        const extra = (new.target as unknown as { [extraSignals]?: string[] })[extraSignals] ?? [];
        this.signals = new Signals<M>({ read: new Signal(hook), readline: new Signal(hook), closed: this.#closedSignal },
            ...extra as (keyof M & string)[]);
        this.#reader = new ChannelReader<Line>({
            signals: this.signals as unknown as Signals<IOChannelSignalMap<Line>>,
            chunkSize, queueSize, delimiters, maxLineLength, encoding,
            onEnd: error => this.#onEnd(error),
        });
        this.#writer = new ChannelWriter({
            drained: () => {
                if (this.#closing)
                    this.#close(this.#closing.expected, null);
            },
            failed: (t, failure) => this.#writeFailed(t, failure),
        });
        if (source !== undefined && source !== null)
            this.#attach(openTransport(source, mode ?? (IO_READ | IO_WRITE), closeFd, 'IOChannel'));
    }

    /** True while an fd or stream is open. */
    get alive(): boolean {
        return this.#transport !== null;
    }

    /** True while there is something left to read: the channel is open for reading and not at EOF, or data is queued. */
    get readable(): boolean {
        return this.#reader.readable;
    }

    /** True while `write()` is accepted: open for writing and not closing. */
    get writable(): boolean {
        return this.#transport !== null && this.#transport.canWrite && this.#closing === null;
    }

    /** The fd of the wrapped fd or stream, -1 when none is known. */
    get fileno(): number {
        return this.#transport?.fd ?? -1;
    }

    /** Bytes read from the OS and not taken yet. */
    get readQueueUsed(): number {
        return this.#reader.queued;
    }

    /** Bytes queued by `write()` and not handed to the OS yet. */
    get writeQueueUsed(): number {
        return this.#writer.size;
    }

    /**
     * The limit of each queue, in bytes (settable; a read queue above a new,
     * smaller limit just stops reading until it is taken).
     * @default 1048576
     * @throws TypeError (on set) unless an integer > 0; RangeError above 2**53 - 1.
     */
    get queueSize(): number {
        return this.#reader.queueSize;
    }

    set queueSize(value: number) {
        this.#reader.queueSize = positiveInteger('queueSize', value ?? NaN, 0);
        this.#reader.update();
    }

    /**
     * The next data: what is queued, else the next chunk read from the OS.
     * At end of file (or once closed) it finishes with an empty array.
     * @returns an InProgress of the bytes.
     * @throws Error on a write-only channel, a channel that never had an fd,
     *   or while callbacks are connected to `readline` (they own the queue).
     * @example
     * const data = await channel.read();
     * if (!data.length) print('EOF');
     */
    read(): InProgress<Uint8Array> {
        this.#checkReadable('read()');
        return this.#reader.read();
    }

    /**
     * The next line, with its delimiter (a string, or bytes with
     * `encoding: null`). At end of file it finishes with the last partial
     * line, or `''` when nothing is left; a line longer than `maxLineLength`
     * (1 MiB) comes in parts (see IOChannelOptions.maxLineLength).
     * @returns an InProgress of the line.
     * @throws Error as `read()` does.
     * @example
     * const line = await channel.readline(); // 'hello\n'
     */
    readline(): InProgress<Line> {
        this.#checkReadable('readline()');
        return this.#reader.readline();
    }

    /**
     * Iterates over the lines without their delimiter, until end of file.
     * While the iterator is open the channel keeps reading ahead (up to `queueSize`).
     * @returns an async iterator for `for await`.
     * @throws Error as `read()` does.
     * @example
     * for await (const line of channel.lines()) print(line);
     */
    lines(): AsyncGenerator<Line, void, undefined> {
        this.#checkReadable('lines()');
        return this.#reader.lines();
    }

    /**
     * Iterates over the data as it arrives, until end of file.
     * @returns an async iterator for `for await`.
     * @throws Error as `read()` does.
     * @example
     * for await (const chunk of channel.chunks()) total += chunk.length;
     */
    chunks(): AsyncGenerator<Uint8Array, void, undefined> {
        this.#checkReadable('chunks()');
        return this.#reader.chunks();
    }

    /**
     * Queues `data` and hands it to the OS as soon as the fd takes it.
     * @param data - a string (UTF-8), a Uint8Array (not copied) or a GLib.Bytes.
     * @returns an InProgress of the number of bytes, finished once all were
     *   handed to the OS; it fails if the write fails or the channel closes first.
     * @throws TypeError for other data; Error when the channel is not open
     *   for writing (read-only, closed, closing); RangeError when the write
     *   queue would exceed `queueSize` (nothing is queued then).
     * @example
     * await channel.write('hello\n');
     */
    write(data: WriteData): InProgress<number> {
        const bytes = toBytes(data);
        this.#checkWritable();
        if (!bytes.length)
            return new InProgress<number>({ name: 'IOChannel.write()' }).finish(0);
        const used = this.#writer.size;
        if (used + bytes.length > this.queueSize) {
            throw new RangeError(`IOChannel.write(): ${bytes.length} bytes would exceed the write queue limit ` +
                `(queueSize ${this.queueSize}, ${used} bytes queued); wait for earlier writes to finish`);
        }
        return this.#writer.write(bytes);
    }

    /**
     * Closes the channel: after the write queue is flushed, or at once with
     * `{immediate: true}` (queued writes fail). Pending reads finish with
     * what is queued (or empty), `closed(expected)` is emitted, the wrapped
     * fd or stream is closed unless `closeFd` was false. Closing a closed
     * channel does nothing.
     * @param options - `{immediate = false, expected = true}`.
     * @returns an InProgress finished once the channel is closed.
     * @example
     * await channel.close();
     */
    close(options: CloseOptions = {}): InProgress<void> {
        const { immediate, expected } = parseCloseOptions(options);
        const ip = new InProgress<void>({ name: 'IOChannel.close()' });
        if (this.#transport === null)
            return ip.finish(undefined);
        if (!immediate && (this.#writer.length || this.#closing)) {
            this.#closing ??= { expected, waiters: [] };
            this.#closing.waiters.push(ip);
            return ip;
        }
        this.#close(expected, null);
        return ip.finish(undefined);
    }

    /**
     * Wraps another fd or stream, closing the current one first.
     * @param source - an fd, an object with `fileno()`, or a Gio stream.
     * @param mode - `IO_READ`, `IO_WRITE` or both (for an fd); default: the constructor's.
     * @returns this channel.
     * @throws TypeError naming a bad source or mode; RangeError for an fd above 2**31 - 1; Error for a closed fd.
     * @example
     * channel.wrap(proc.get_stdout_pipe());
     */
    wrap(source: ChannelSource, mode?: number): this {
        if (mode !== undefined && mode !== IO_READ && mode !== IO_WRITE && mode !== (IO_READ | IO_WRITE))
            throw new TypeError(`IOChannel.wrap(): \`mode\` must be IO_READ, IO_WRITE or both (got ${describeValue(mode)})`);
        const transport = openTransport(source, mode ?? this.#mode ?? (IO_READ | IO_WRITE), this.#closeFd, 'IOChannel.wrap()');
        if (this.#transport)
            this.#close(true, null);
        this.#attach(transport);
        return this;
    }

    /**
     * Takes over `other`'s fd or stream, queues and signal connections
     * (`other` is left empty, without emitting `closed`).
     * @param other - another IOChannel.
     * @returns this channel.
     * @throws TypeError when `other` is not another IOChannel.
     * @example
     * const upgraded = new MyChannel().steal(plain);
     */
    steal(other: IOChannel<Line, IOChannelSignalMap<Line>>): this {
        if (!(other instanceof IOChannel) || (other as unknown) === this)
            throw new TypeError(`IOChannel.steal(): \`other\` must be another IOChannel (got ${describeValue(other)})`);
        if (this.#transport)
            this.#close(true, null);
        const transport = other.#transport;
        transport?.stopReading();
        transport?.stopWaitingWritable();
        other.#transport = null;
        other.#state = 'closed';
        this.#writer.take(other.#writer);
        this.#closing = other.#closing;
        other.#closing = null;
        this.#reader.take(other.#reader);
        for (const name of ['read', 'readline', 'closed'] as const) {
            const from = other.signals[name] as Signal<unknown[]>;
            const to = this.signals[name] as Signal<unknown[]>;
            for (const callable of [...from])
                to.connect(callable);
            from.disconnectAll();
        }
        if (transport)
            this.#attach(transport);
        return this;
    }

    #attach(transport: Transport): void {
        this.#transport = transport;
        this.#state = 'open';
        this.#reader.attach(transport);
        this.#writer.attach(transport);
    }

    #setTransport(transport: Transport | null): void {
        if (transport === null) {
            this.#writer.pause();
            this.#reader.pause();
            return;
        }
        this.#transport?.detach();
        this.#attach(transport);
    }

    #checkReadable(what: string): void {
        if (this.#state === 'new')
            throw new Error(`IOChannel.${what}: the channel has no fd or stream (pass one to the constructor or wrap())`);
        if (this.#transport && !this.#transport.canRead)
            throw new Error(`IOChannel.${what}: the channel is write-only`);
        if (this.signals.readline.count > 0)
            throw new Error(`IOChannel.${what}: callbacks are connected to the readline signal; use either them or ${what}`);
    }

    #checkWritable(): void {
        const t = this.#transport;
        if (this.#state === 'new')
            throw new Error('IOChannel.write(): the channel has no fd or stream (pass one to the constructor or wrap())');
        if (t === null)
            throw new Error('IOChannel.write(): the channel is closed');
        if (!t.canWrite)
            throw new Error('IOChannel.write(): the channel is read-only');
        if (this.#closing)
            throw new Error('IOChannel.write(): the channel is closing');
    }

    #writeFailed(t: Transport, failure: unknown): void {
        if (this.#transport !== t)
            return;
        const message = (failure as { message?: unknown })?.message;
        this.#close(false, new Error(`IOChannel.write(): writing to ${t.label} failed: ${String(message ?? failure)}`,
            { cause: failure }));
    }

    #onEnd(error: unknown): void {
        const t = this.#transport;
        if (!t)
            return;
        if (error === null && t.canWrite && this.#writer.length) {
            this.#closing ??= { expected: false, waiters: [] };
            this.#closing.expected = false;
            return;
        }
        const message = (error as { message?: unknown } | null)?.message;
        this.#close(false, error === null ? null
            : new Error(`IOChannel: reading from ${t.label} failed: ${String(message ?? error)}`, { cause: error }));
    }

    #close(expected: boolean, error: Error | null): void {
        const t = this.#transport;
        if (!t)
            return;
        this.#transport = null;
        this.#state = 'closed';
        const closing = this.#closing;
        this.#closing = null;
        t.close();
        this.#writer.close(error ?? new Error('IOChannel: the channel was closed before the write was flushed'));
        this.#reader.closed();
        this.#closedSignal.emit(expected);
        for (const ip of closing?.waiters ?? [])
            ip.finish(undefined);
    }
}
