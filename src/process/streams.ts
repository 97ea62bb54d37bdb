/**
 * The three pipes of a Process and the IOChannels in front of them:
 * wiring each new child's pipes, relaying output to the Process's
 * `read`/`readline` signals (with the stream's name), the dumpfile, and what
 * becomes of the pipes when the child exits.
 *
 * The channels are made on first use — the `stdin`/`stdout`/`stderr`
 * getters, a callback on the Process's `read`/`readline` signals,
 * `read()`/`readline()`/`write()`/`communicate()`, a dumpfile, a stop
 * command — and wired to the current child's pipe if one runs (an
 * IOChannel costs a few objects and GLib calls; a child nobody talks to
 * should cost no more than a bare `Gio.Subprocess`).
 *
 * At the exit:
 * - stdin is closed at once (queued writes fail: the reader is gone);
 * - an output stream with a channel is left open until it has been read to
 *   its end (the child's last words are still in the pipe, and whoever made
 *   the channel may still read them); it then closes itself;
 * - an output stream without a channel is closed at once, its unread
 *   output discarded: nothing could ask for it any more, and its fd is
 *   released (otherwise a fire-and-forget child would leak fds until a GC).
 * `finished` is emitted when the child has exited and both streams are closed.
 * @module
 */
import Gio from 'gi://Gio';
import { describeValue } from '../notifier/errors.js';
import { logException } from '../notifier/log.js';
import { Signals, type Signal } from '../notifier/signals.js';
import { InProgressAll } from '../async/combinators.js';
import { InProgress, onAbort } from '../async/inprogress.js';
import { IOChannel, IO_READ, IO_WRITE, type WriteData } from '../io/index.js';
import { collect, feed, nextChunk, nextLine, race } from './reading.js';

/** The name of an output stream, as the `read`/`readline` signals pass it. */
export type StreamName = 'stdout' | 'stderr';

/** Where a Process copies its output: a file path (created or truncated) or an IOChannel. */
export type Dumpfile = string | IOChannel;

/** The two signals of a Process that output is relayed to. */
interface OutputSignals {
    readonly read: Signal<[data: Uint8Array, stream: StreamName]>;
    readonly readline: Signal<[line: string, stream: StreamName]>;
}

/** The signals of a Process: output of either stream (with its name), the exit, the end of everything. */
export type ProcessSignals = Signals<{
    read: [data: Uint8Array, stream: StreamName];
    readline: [line: string, stream: StreamName];
    exited: [code: number];
    finished: [code: number];
}>;

/**
 * Makes the signals of a Process (on first use of `process.signals`).
 * @param changed - told after each change of the `read`/`readline`
 *   connections (the Process then connects or cuts its relays).
 * @returns the signals.
 * @example
 * const signals = createSignals(s => streams.relay(s));
 */
export function createSignals(changed: (signals: ProcessSignals) => void): ProcessSignals {
    const signals: ProcessSignals = new Signals<{
        read: [data: Uint8Array, stream: StreamName];
        readline: [line: string, stream: StreamName];
        exited: [code: number];
        finished: [code: number];
    }>('read', 'readline', 'exited', 'finished');
    const hook = () => changed(signals);
    (signals.read as Signal<unknown[]>).changed = hook;
    (signals.readline as Signal<unknown[]>).changed = hook;
    return signals;
}

/** One output stream: its pipe (until a channel wraps it), its channel once made, its relays. */
interface Output {
    readonly name: StreamName;
    channel: IOChannel | null;
    pipe: Gio.InputStream | null;
    /** Closed in the current run (or no run yet). */
    closed: boolean;
    relayRead: ((data: Uint8Array) => void) | null;
    relayLine: ((line: string) => void) | null;
    readonly onClosed: () => void;
}

function closeQuietly(stream: Gio.InputStream | Gio.OutputStream): void {
    try {
        stream.close(null);
    } catch (error) {
        logException(error, 'kaa: closing a child process pipe failed');
    }
}

/**
 * The pipes of one Process. @internal
 * @example
 * const streams = new ProcessStreams('\n', null, () => 'Process cat');
 * streams.attach(subprocess);
 * streams.write('hello\n');
 */
export class ProcessStreams {
    readonly #name: () => string;
    readonly #out: Output;
    readonly #err: Output;
    #signals: OutputSignals | null = null;
    #stdin: IOChannel | null = null;
    #stdinPipe: Gio.OutputStream | null = null;
    #delimiter: string;
    #dump: { channel: IOChannel | null; stream: Gio.OutputStream | null; path: string | null } | null = null;
    #attaching = false;
    /** Called when both output streams of the current run are closed. */
    onBothClosed: (() => void) | null = null;

    /**
     * Checks the stream options of a Process.
     * @param delimiter - the line delimiter.
     * @param dumpfile - a path, an IOChannel or null.
     * @throws TypeError for a bad delimiter or dumpfile.
     */
    static checkOptions(delimiter: unknown, dumpfile: unknown): void {
        if (typeof delimiter !== 'string' || delimiter === '')
            throw new TypeError(`Process: \`delimiter\` must be a non-empty string (got ${describeValue(delimiter)})`);
        if (dumpfile !== null && typeof dumpfile !== 'string' && !(dumpfile instanceof IOChannel))
            throw new TypeError(`Process: \`dumpfile\` must be a path, an IOChannel or null (got ${describeValue(dumpfile)})`);
    }

    /**
     * @param delimiter - the line delimiter of both output streams.
     * @param dumpfile - where to copy all output, or null.
     * @param name - the Process's description, for messages.
     */
    constructor(delimiter: string, dumpfile: Dumpfile | null, name: () => string) {
        this.#name = name;
        this.#delimiter = delimiter;
        this.#out = this.#output('stdout');
        this.#err = this.#output('stderr');
        if (dumpfile !== null) {
            this.#dump = typeof dumpfile === 'string' ? { channel: null, stream: null, path: dumpfile } : { channel: dumpfile, stream: null, path: null };
            this.#channel(this.#out);
            this.#channel(this.#err);
        }
    }

    /** The child's stdin (made on first use). */
    get stdin(): IOChannel {
        if (this.#stdin === null) {
            this.#stdin = new IOChannel(null, { mode: IO_WRITE });
            if (this.#stdinPipe !== null)
                this.#stdin.wrap(this.#stdinPipe, IO_WRITE);
            this.#stdinPipe = null;
        }
        return this.#stdin;
    }

    /** The child's stdout (made on first use). */
    get stdout(): IOChannel {
        return this.#channel(this.#out);
    }

    /** The child's stderr (made on first use). */
    get stderr(): IOChannel {
        return this.#channel(this.#err);
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
        this.#delimiter = value;
        for (const o of [this.#out, this.#err]) {
            const old = o.channel;
            if (old === null)
                continue;
            this.#unhook(o, old);
            o.channel = new IOChannel(null, { mode: IO_READ, delimiter: this.#delimiter }).steal(old);
            this.#hook(o, o.channel);
        }
        if (this.#signals !== null)
            this.relay(this.#signals);
    }

    /** Wires the channels (or keeps the pipes until a channel is made) of a new child. */
    attach(subprocess: Gio.Subprocess): void {
        const stdin = subprocess.get_stdin_pipe() as Gio.OutputStream;
        this.#attaching = true;
        try {
            if (this.#stdin !== null)
                this.#stdin.wrap(stdin, IO_WRITE);
            else
                this.#stdinPipe = stdin;
            for (const o of [this.#out, this.#err]) {
                const pipe = (o.name === 'stdout' ? subprocess.get_stdout_pipe() : subprocess.get_stderr_pipe()) as Gio.InputStream;
                if (o.channel !== null)
                    o.channel.wrap(pipe, IO_READ);
                else
                    o.pipe = pipe;
                o.closed = false;
            }
        } finally {
            this.#attaching = false;
        }
        this.#openDump();
    }

    /** The child has been reaped: stdin is closed, output streams without a channel too. */
    childExited(): void {
        this.closeStdin();
        for (const o of [this.#out, this.#err]) {
            if (o.pipe !== null) {
                closeQuietly(o.pipe);
                o.pipe = null;
                o.onClosed();
            }
        }
    }

    /** Closes stdin at once (the stop escalation does, before SIGTERM). */
    closeStdin(): void {
        if (this.#stdin !== null)
            this.#stdin.close({ immediate: true });
        else if (this.#stdinPipe !== null)
            closeQuietly(this.#stdinPipe);
        this.#stdinPipe = null;
    }

    /** Writes to stdin (what `IOChannel.write()` throws, it throws). */
    write(data: WriteData): InProgress<number> {
        return this.stdin.write(data);
    }

    /** The next chunk of either stream; empty once both ended. */
    read(): InProgress<Uint8Array> {
        return race([this.stdout, this.stderr], nextChunk, new Uint8Array(0));
    }

    /** The next line of either stream; the last partial line, then `''`, once both ended. */
    readline(): InProgress<string> {
        return race([this.stdout, this.stderr], nextLine, '');
    }

    /**
     * `Process.communicate()`: feeds `input` to stdin (then closes it),
     * collects both output streams until they close, and finishes with them
     * once `started` (the exit) finished too.
     * @param input - what to write.
     * @param started - the InProgress of the child's exit code.
     * @param stop - stops the child (when the result is aborted).
     * @returns an InProgress of `[stdout, stderr]`.
     */
    communicate(input: Uint8Array, started: InProgress<number>, stop: () => void): InProgress<[string, string]> {
        const ip = new InProgress<[string, string]>({ name: `${this.#name()}.communicate()` });
        const output = collect(this.stdout, this.stderr);
        feed(this.stdin, input);
        new InProgressAll<[[string, string], number]>(output, started).connectBoth(([texts]) => void (ip.finished || ip.finish(texts)),
            error => void (ip.finished || ip.throw(error)));
        onAbort(ip as InProgress<unknown>, () => {
            if (!output.finished)
                output.abort();
            stop();
        });
        return ip;
    }

    #output(name: StreamName): Output {
        const o: Output = {
            name, channel: null, pipe: null, closed: true, relayRead: null, relayLine: null,
            onClosed: () => {
                if (this.#attaching || o.closed)
                    return;
                o.closed = true;
                this.#closeDump();
                if (this.bothClosed)
                    this.onBothClosed?.();
            },
        };
        return o;
    }

    /** `o`'s channel, made (and wired to the pipe of a running child) on first use. */
    #channel(o: Output): IOChannel {
        if (o.channel === null) {
            const channel = new IOChannel(null, { mode: IO_READ, delimiter: this.#delimiter });
            o.channel = channel;
            this.#hook(o, channel);
            if (o.pipe !== null)
                channel.wrap(o.pipe, IO_READ);
            o.pipe = null;
        }
        return o.channel;
    }

    #hook(o: Output, channel: IOChannel): void {
        channel.signals.closed.connect(o.onClosed);
        if (this.#dump !== null)
            channel.signals.read.connect(this.#dumpData);
    }

    #unhook(o: Output, channel: IOChannel): void {
        const signals = channel.signals;
        signals.closed.disconnect(o.onClosed);
        signals.read.disconnect(this.#dumpData);
        if (o.relayRead)
            signals.read.disconnect(o.relayRead);
        if (o.relayLine)
            signals.readline.disconnect(o.relayLine);
        o.relayRead = o.relayLine = null;
    }

    /**
     * Connects or cuts the relays from the channels to the Process's
     * `read`/`readline` signals, as their connections ask.
     * @param signals - the Process's signals.
     */
    relay(signals: OutputSignals): void {
        this.#signals = signals;
        const wantRead = signals.read.count > 0;
        const wantLine = signals.readline.count > 0;
        for (const o of [this.#out, this.#err]) {
            if (!wantRead && !wantLine && o.channel === null)
                continue;
            const channel = this.#channel(o).signals;
            if (wantRead && !o.relayRead) {
                o.relayRead = data => void signals.read.emit(data, o.name);
                channel.read.connect(o.relayRead);
            } else if (!wantRead && o.relayRead) {
                channel.read.disconnect(o.relayRead);
                o.relayRead = null;
            }
            if (wantLine && !o.relayLine) {
                o.relayLine = line => void signals.readline.emit(line, o.name);
                channel.readline.connect(o.relayLine);
            } else if (!wantLine && o.relayLine) {
                channel.readline.disconnect(o.relayLine);
                o.relayLine = null;
            }
        }
    }

    #openDump(): void {
        const dump = this.#dump;
        if (dump?.path == null || dump.stream !== null)
            return;
        try {
            dump.stream = Gio.File.new_for_path(dump.path).replace(null, false, Gio.FileCreateFlags.NONE, null);
        } catch (error) {
            logException(error, `${this.#name()}: cannot open the dumpfile ${describeValue(dump.path)}`);
        }
    }

    readonly #dumpData = (data: Uint8Array): void => {
        const dump = this.#dump;
        try {
            if (dump?.stream)
                dump.stream.write_all(data, null);
            else if (dump?.channel?.writable)
                dump.channel.write(data);
        } catch (error) {
            logException(error, `${this.#name()}: writing to the dumpfile failed`);
        }
    };

    #closeDump(): void {
        const dump = this.#dump;
        if (!this.bothClosed || !dump?.stream)
            return;
        closeQuietly(dump.stream);
        dump.stream = null;
    }
}
