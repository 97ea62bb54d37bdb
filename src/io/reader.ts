/**
 * The reading half of an IOChannel: the read queue, the pending `read()` and
 * `readline()` calls (served in the order they were made), the `read` and
 * `readline` signals, and the one decision that matters for backpressure —
 * whether the transport should be reading from the OS now (see
 * {@link ChannelReader.update}).
 * @module
 */
import system from 'system';
import { InProgress, onAbort } from '../async/inprogress.js';
import type { Signals } from '../notifier/signals.js';
import type { IOChannelSignalMap } from './channel.js';
import { ReadQueue, type LineEnd } from './read-queue.js';
import type { ReadSink, Transport } from './transport.js';

/** A line as the iterators see it: its bytes, its delimiter's length (0 for a part), and whether it is the last. @internal */
export interface LineResult {
    bytes: Uint8Array;
    delimiterLength: number;
    end: boolean;
}

type WaiterKind = 'read' | 'line' | 'raw';

interface Waiter {
    readonly kind: WaiterKind;
    readonly ip: InProgress<unknown>;
}

/** What a ChannelReader needs from its channel. @internal */
export interface ReaderOptions<Line extends string | Uint8Array> {
    signals: Signals<IOChannelSignalMap<Line>>;
    chunkSize: number;
    queueSize: number;
    delimiters: Uint8Array[];
    /** The longest line delivered whole; longer ones come in parts (at most `queueSize` too). */
    maxLineLength: number;
    encoding: 'utf-8' | null;
    /** End of file or a read error: the channel decides how to close. */
    onEnd(error: unknown): void;
}

const decoder = new TextDecoder('utf-8');

/** Bytes of over-long lines after which a GC is finished (their parts and read buffers are garbage). */
const LONG_LINE_GC_EVERY = 16 * 1024 * 1024;
let longLineBytes = 0;
const EMPTY = new Uint8Array(0);

/** The reading half of one channel. @internal */
export class ChannelReader<Line extends string | Uint8Array> {
    /** The read queue's limit, in bytes. */
    queueSize: number;
    readonly #signals: Signals<IOChannelSignalMap<Line>>;
    readonly #chunkSize: number;
    readonly #delimiters: Uint8Array[];
    readonly #longest: number;
    readonly #maxLineLength: number;
    readonly #encoding: 'utf-8' | null;
    readonly #onEnd: (error: unknown) => void;
    #queue = new ReadQueue();
    #waiters: Waiter[] = [];
    #iterators = 0;
    #transport: Transport | null = null;
    /** No more data will come from the OS (end of file, error, closed). */
    #eof = true;
    #paused = false;
    readonly #sink: ReadSink = {
        data: chunk => this.#onData(chunk),
        end: error => this.#end(error),
    };

    /** @param options - the channel's signals, sizes, delimiters, encoding and end handler. */
    constructor(options: ReaderOptions<Line>) {
        this.#signals = options.signals;
        this.#chunkSize = options.chunkSize;
        this.queueSize = options.queueSize;
        this.#delimiters = options.delimiters;
        this.#longest = Math.max(...options.delimiters.map(d => d.length));
        this.#maxLineLength = options.maxLineLength;
        this.#encoding = options.encoding;
        this.#onEnd = options.onEnd;
    }

    /** Bytes queued. */
    get queued(): number {
        return this.#queue.size;
    }

    /** Something is left to read: data queued, or an open readable transport before EOF. */
    get readable(): boolean {
        return this.#queue.size > 0 || (!this.#eof && this.#transport !== null && this.#transport.canRead);
    }

    /** Starts reading from `transport` (as wanted). */
    attach(transport: Transport): void {
        this.#transport = transport;
        this.#eof = !transport.canRead;
        this.#paused = false;
        this.update();
    }

    /** Stops reading until the next `attach()` (the TLS handshake). */
    pause(): void {
        this.#paused = true;
        this.#transport?.stopReading();
    }

    /** The channel closed: no more data; pending calls get what is queued. */
    closed(): void {
        this.#transport = null;
        this.#eof = true;
        this.#emitLines(true);
        this.#serve();
    }

    /** Takes over another reader's queue and pending calls (IOChannel.steal()). */
    take(other: ChannelReader<Line>): void {
        [this.#queue, other.#queue] = [other.#queue, new ReadQueue()];
        this.#waiters.push(...other.#waiters);
        other.#waiters = [];
    }

    /** Decodes a line per the channel's encoding. */
    decode(bytes: Uint8Array): Line {
        return (this.#encoding === null ? bytes : decoder.decode(bytes)) as Line;
    }

    /** `read()`: the queue, or the next chunk; empty at the end. */
    read(): InProgress<Uint8Array> {
        return this.#wait('read', 'IOChannel.read()') as InProgress<Uint8Array>;
    }

    /** `readline()`: the next line with its delimiter. */
    readline(): InProgress<Line> {
        return this.#wait('line', 'IOChannel.readline()') as InProgress<Line>;
    }

    /** The next line for `lines()`. */
    pullLine(): InProgress<LineResult> {
        return this.#wait('raw', 'IOChannel.lines()') as InProgress<LineResult>;
    }

    /** Counts an open iterator (reading ahead while it lives); returns its release. */
    iterate(): () => void {
        this.#iterators++;
        this.update();
        let released = false;
        return () => {
            if (released)
                return;
            released = true;
            this.#iterators--;
            this.update();
        };
    }

    /** `lines()`: the lines without delimiters until EOF, reading ahead while open. */
    async *lines(): AsyncGenerator<Line, void, undefined> {
        const release = this.iterate();
        try {
            for (;;) {
                const r: LineResult = await this.pullLine();
                if (r.end) {
                    if (r.bytes.length)
                        yield this.decode(r.bytes);
                    return;
                }
                yield this.decode(r.bytes.subarray(0, r.bytes.length - r.delimiterLength));
            }
        } finally {
            release();
        }
    }

    /** `chunks()`: the data as it comes until EOF, reading ahead while open. */
    async *chunks(): AsyncGenerator<Uint8Array, void, undefined> {
        const release = this.iterate();
        try {
            for (;;) {
                const chunk = await this.read();
                if (!chunk.length)
                    return;
                yield chunk;
            }
        } finally {
            release();
        }
    }

    /**
     * Backpressure: reads from the OS are wanted while data goes to the queue
     * (pending calls, open iterators, `readline` callbacks) and the queue has
     * room, or while `read` callbacks alone take it as it comes.
     */
    update(): void {
        const t = this.#transport;
        if (!t || this.#eof || this.#paused)
            return;
        const queueing = this.#waiters.length > 0 || this.#iterators > 0 || this.#signals.readline.count > 0;
        const want = queueing ? this.#queue.size < this.queueSize : this.#signals.read.count > 0;
        if (want)
            t.startReading(this.#sink, this.#chunkSize);
        else if (t.reading)
            t.stopReading();
    }

    #wait(kind: WaiterKind, name: string): InProgress<unknown> {
        const ip = new InProgress<unknown>({ name });
        if (!this.#waiters.length) {
            const value = this.#value(kind);
            if (value !== undefined)
                return ip.finish(value);
        }
        const waiter: Waiter = { kind, ip };
        this.#waiters.push(waiter);
        onAbort(ip, () => {
            const i = this.#waiters.indexOf(waiter);
            if (i >= 0)
                this.#waiters.splice(i, 1);
            this.update();
        });
        this.update();
        return ip;
    }

    /** What a waiter of `kind` gets now, or `undefined` when it must wait. */
    #value(kind: WaiterKind): unknown {
        const queue = this.#queue;
        const ended = this.#eof || this.#transport === null;
        if (kind === 'read')
            return queue.size ? queue.takeAll() : ended ? EMPTY : undefined;
        let line: LineResult;
        const found = queue.findLine(this.#delimiters);
        if (found && !this.#overlong(found))
            line = { bytes: queue.take(found.end), delimiterLength: found.delimiterLength, end: false };
        else if (found || queue.size >= this.#limit)
            line = { bytes: this.#takePart(found), delimiterLength: 0, end: false };
        else if (ended)
            line = { bytes: queue.takeAll(), delimiterLength: 0, end: true };
        else
            return undefined;
        return kind === 'raw' ? line : this.decode(line.bytes);
    }

    #serve(): void {
        while (this.#waiters.length) {
            const value = this.#value(this.#waiters[0].kind);
            if (value === undefined)
                break;
            const waiter = this.#waiters.shift() as Waiter;
            waiter.ip.finish(value);
        }
        this.update();
    }

    #onData(chunk: Uint8Array): void {
        const signals = this.#signals;
        signals.read.emit(chunk);
        const lines = signals.readline.count > 0;
        if (lines || this.#waiters.length || this.#iterators || signals.read.count === 0) {
            this.#queue.push(chunk);
            if (lines)
                this.#emitLines(false);
            this.#serve();
        } else {
            this.update();
        }
    }

    #emitLines(atEnd: boolean): void {
        const queue = this.#queue;
        while (this.#signals.readline.count > 0 && queue.size) {
            const found = queue.findLine(this.#delimiters);
            let bytes: Uint8Array;
            if (found && !this.#overlong(found))
                bytes = queue.take(found.end);
            else if (found || queue.size >= this.#limit)
                bytes = this.#takePart(found);
            else if (atEnd)
                bytes = queue.takeAll();
            else
                break;
            this.#signals.readline.emit(this.decode(bytes));
        }
    }

    /** The longest line delivered whole now: `maxLineLength`, or `queueSize` when smaller (reading stops there). */
    get #limit(): number {
        return Math.min(this.#maxLineLength, this.queueSize);
    }

    /** True when the line ending at `found` is longer than the limit (a line that is only a delimiter never is). */
    #overlong(found: LineEnd): boolean {
        return found.end > this.#limit && found.end > found.delimiterLength;
    }

    /** The next part of an over-long line (see ReadQueue.partLength); a GC every LONG_LINE_GC_EVERY bytes of them. */
    #takePart(found: LineEnd | null): Uint8Array {
        const queue = this.#queue;
        const part = queue.take(queue.partLength(this.#limit, this.#longest, this.#encoding !== null, found));
        longLineBytes += part.length;
        if (longLineBytes >= LONG_LINE_GC_EVERY) {
            longLineBytes = 0;
            system.gc();
        }
        return part;
    }

    #end(error: unknown): void {
        this.#eof = true;
        this.#emitLines(true);
        this.#serve();
        this.#onEnd(error);
    }
}
