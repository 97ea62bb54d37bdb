/**
 * The options of IOChannel and what `write()` and `close()` take, checked
 * with messages that name the option and the value received.
 * @module
 */
import GLib from 'gi://GLib';
import { checkOptionsObject, checkRange } from '../notifier/check.js';
import { describeValue } from '../notifier/errors.js';
import { IO_READ, IO_WRITE } from './monitor.js';
import { compileDelimiter, type Delimiter } from './read-queue.js';

/** Options of the {@link IOChannel} constructor. */
export interface IOChannelOptions {
    /** `IO_READ`, `IO_WRITE` or both, for an fd. @default both for an fd; what a stream can do */
    mode?: number;
    /** The most bytes one read from the OS returns. @default 65536 */
    chunkSize?: number;
    /** The line delimiter of `readline()`/`lines()`: a string, bytes, or a list of them. @default '\n' */
    delimiter?: Delimiter;
    /** The limit of each queue in bytes (reads stop pulling, writes throw beyond it). @default 1048576 */
    queueSize?: number;
    /**
     * The longest line `readline()`, `lines()` and the `readline` signal
     * deliver whole, in bytes with its delimiter. A longer line arrives in
     * parts of at most this many bytes (never cutting a delimiter or, with
     * `encoding: 'utf-8'`, a character), none ending with the delimiter but
     * the last; memory stays bounded by it. The read queue caps it too
     * (`queueSize`, when smaller).
     * @default 1048576
     */
    maxLineLength?: number;
    /** How lines are decoded: `'utf-8'`, or `null` for `Uint8Array` lines. @default 'utf-8' */
    encoding?: 'utf-8' | null;
    /** Close the wrapped fd or stream with the channel. @default true */
    closeFd?: boolean;
}

/** Options of {@link IOChannel.close}. */
export interface CloseOptions {
    /** Close now, failing queued writes, instead of after the write queue is flushed. @default false */
    immediate?: boolean;
    /** What the `closed` signal says (false: closed because of EOF or an error). @default true */
    expected?: boolean;
}

/** What `write()` accepts: a string (written as UTF-8), bytes or a `GLib.Bytes`. */
export type WriteData = string | Uint8Array | GLib.Bytes;

const encoder = new TextEncoder();

/** The largest `chunkSize`: 64 MiB (each read allocates a buffer of this size). */
export const MAX_CHUNK_SIZE = 64 * 1024 * 1024;

/** The options the constructor reads. @internal */
export const CHANNEL_OPTIONS = ['mode', 'chunkSize', 'delimiter', 'queueSize', 'maxLineLength', 'encoding', 'closeFd'] as const;

/**
 * A positive integer option up to `max` (a byte count: 2**53 - 1), or `fallback` when undefined.
 * @throws TypeError for a non-integer or one <= 0; RangeError above `max`.
 * @internal
 */
export function positiveInteger(name: string, value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
    if (value === undefined)
        return fallback;
    if (typeof value !== 'number' || !(value > 0) || (value <= max && !Number.isInteger(value)))
        throw new TypeError(`IOChannel: \`${name}\` must be an integer > 0 (got ${describeValue(value)})`);
    checkRange('IOChannel', name, value, 1, max);
    return value;
}

/** What `write()` was given, as bytes. @internal */
export function toBytes(data: unknown): Uint8Array {
    if (typeof data === 'string')
        return encoder.encode(data);
    if (data instanceof Uint8Array)
        return data;
    if (data instanceof GLib.Bytes)
        return data.toArray(); // never get_size() & co: GJS would then keep the buffer forever (streams.ts)
    throw new TypeError(`IOChannel.write(): \`data\` must be a string, a Uint8Array or a GLib.Bytes (got ${describeValue(data)})`);
}

/** The constructor's options, checked, with their defaults. @internal */
export interface ParsedOptions {
    mode: number | undefined;
    chunkSize: number;
    queueSize: number;
    delimiters: Uint8Array[];
    maxLineLength: number;
    encoding: 'utf-8' | null;
    closeFd: boolean;
}

/**
 * Checks the options of `close()`.
 * @throws TypeError naming a bad option and its value.
 * @internal
 */
export function parseCloseOptions(options: CloseOptions): Required<CloseOptions> {
    checkOptionsObject('IOChannel.close()', options, ['immediate', 'expected']);
    const { immediate = false, expected = true } = options;
    for (const [name, value] of [['immediate', immediate], ['expected', expected]] as const) {
        if (typeof value !== 'boolean')
            throw new TypeError(`IOChannel.close(): \`${name}\` must be a boolean (got ${describeValue(value)})`);
    }
    return { immediate, expected };
}

/**
 * Checks the constructor's options.
 * @throws TypeError naming a bad option and its value.
 * @internal
 */
export function parseOptions(options: IOChannelOptions): ParsedOptions {
    checkOptionsObject('IOChannel', options, CHANNEL_OPTIONS);
    const { mode, encoding = 'utf-8', closeFd = true } = options;
    if (mode !== undefined && mode !== IO_READ && mode !== IO_WRITE && mode !== (IO_READ | IO_WRITE))
        throw new TypeError(`IOChannel: \`mode\` must be IO_READ, IO_WRITE or both (got ${describeValue(mode)})`);
    if (encoding !== 'utf-8' && encoding !== null)
        throw new TypeError(`IOChannel: \`encoding\` must be 'utf-8' or null (got ${describeValue(encoding)})`);
    if (typeof closeFd !== 'boolean')
        throw new TypeError(`IOChannel: \`closeFd\` must be a boolean (got ${describeValue(closeFd)})`);
    return {
        mode, encoding, closeFd,
        chunkSize: positiveInteger('chunkSize', options.chunkSize, 65536, MAX_CHUNK_SIZE),
        queueSize: positiveInteger('queueSize', options.queueSize, 1024 * 1024),
        delimiters: compileDelimiter(options.delimiter ?? '\n', 'IOChannel'),
        maxLineLength: positiveInteger('maxLineLength', options.maxLineLength, 1024 * 1024),
    };
}
