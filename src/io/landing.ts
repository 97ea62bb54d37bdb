/**
 * `LandingBuffer`: large reads on a GJS where `GLib.Bytes.toArray()` copies
 * (1.82, 1.90; feature-detected in notifier/platform.ts) — an fd
 * transport's reads of {@link LANDING_MIN} to {@link LANDING_MAX} bytes: a
 * frame link's reads of a frame's rest, and an IOChannel's reads after fd
 * readiness.
 *
 * There `read_bytes(n).toArray()` costs, for every read: a fresh `g_malloc`
 * of n bytes that the kernel fills (for 1 MiB, ~260 page faults of fresh
 * memory), a copy into the JS array, and a `GLib.Bytes` that only a GC
 * frees — so a GC has twice the memory to free. A landing buffer reads
 * instead into one C buffer that is kept and reused (a
 * `Gio.BufferedInputStream` over the same stream, filled by one read), and
 * copies it once into the JS array (`peek_buffer()`: GJS copies what a C
 * function lends). Nothing stays in it between reads: each read takes all
 * it landed, so reads straight from the stream may follow.
 *
 * On GJS 1.74 `toArray()` is a view, not a copy, so `read_bytes()` stays the
 * cheaper read there and no landing buffer is made.
 *
 * Measured (1 MiB over a socket pair, one process, GC every 32 MiB, GJS
 * 1.90): `read_bytes` + `toArray()` 77 + 103 µs a MiB (p90 of the copy 209
 * µs), landing buffer 76 + 41 µs (p90 43 µs); a full GC over 32 of the
 * former's garbage 1.8 ms, over the latter's 1.5 ms. 1 GiB through an
 * IOChannel in 64 KiB reads (bench pipe-throughput, GJS 1.90): 594–664 →
 * 833–1,000 MiB/s, 1.24–1.41 → 0.75–0.87 s of CPU, peak RSS 150 → 92 MiB.
 * @module
 */
import Gio from 'gi://Gio';
import { bytesToArray, bytesToArrayCopies } from '../notifier/platform.js';

/** Reads from this size on go through a landing buffer (where it pays). */
export const LANDING_MIN = 65536;
/**
 * Reads larger than this do not: the buffer keeps the size of its largest
 * read for the stream's life (a frame link reads at most 4 MiB at once).
 */
export const LANDING_MAX = 4 * 1024 * 1024;

/**
 * Whether a read of `size` bytes goes through a landing buffer (where one is made).
 * @param size - the most bytes the read asks for.
 * @internal
 * @example
 * if (lands(size) && (landing ??= LandingBuffer.for(input)) !== null) chunk = landing.read(size);
 */
export function lands(size: number): boolean {
    return size >= LANDING_MIN && size <= LANDING_MAX;
}

/**
 * One reused C buffer that large reads of one stream land in.
 * @internal
 * @example
 * const landing = LandingBuffer.for(input); // null where toArray() is a view
 * const chunk = landing ? landing.read(1 << 20) : input.read_bytes(1 << 20, null).toArray();
 */
export class LandingBuffer {
    readonly #buffered: Gio.BufferedInputStream;

    /**
     * @param input - the stream read; the landing buffer never closes it.
     * @param size - the buffer's first size (it grows to the largest read).
     */
    constructor(input: Gio.InputStream, size: number) {
        this.#buffered = Gio.BufferedInputStream.new_sized(input, size) as Gio.BufferedInputStream;
        this.#buffered.set_close_base_stream(false);
    }

    /**
     * A landing buffer for `input` when large reads pay for one here, else null.
     * @param input - the stream.
     */
    static for(input: Gio.InputStream): LandingBuffer | null {
        return bytesToArrayCopies() ? new LandingBuffer(input, LANDING_MIN) : null;
    }

    /**
     * Reads once into the buffer (blocking like a read of the stream) and
     * returns a copy of what arrived.
     * @param size - the most bytes to read.
     * @returns the bytes (a JS array of its own); empty at EOF.
     * @throws the `GLib.Error` of a failed read.
     */
    read(size: number): Uint8Array {
        const buffered = this.#buffered;
        if (buffered.get_buffer_size() < size)
            buffered.set_buffer_size(size);
        if (buffered.fill(size, null) <= 0)
            return new Uint8Array(0);
        const data = buffered.peek_buffer() as Uint8Array;
        buffered.skip(data.length, null);
        return data;
    }
}

/**
 * One stream's synchronous reads: those {@link lands} says go through a
 * {@link LandingBuffer} where that pays (made on the first one), the rest
 * through `read_bytes()`.
 * @internal
 * @example
 * const reads = new SyncReads(input);
 * const chunk = reads.read(1 << 20); // empty at EOF
 */
export class SyncReads {
    readonly #input: Gio.InputStream;
    /** Made on the first large read; null where landing does not pay (asked once). */
    #landing: LandingBuffer | null | undefined;

    /** @param input - the stream read (never closed here). */
    constructor(input: Gio.InputStream) {
        this.#input = input;
    }

    /**
     * Reads once, blocking like a read of the stream.
     * @param size - the most bytes to read.
     * @returns the bytes; empty at EOF.
     * @throws the `GLib.Error` of a failed read.
     */
    read(size: number): Uint8Array {
        if (lands(size)) {
            if (this.#landing === undefined)
                this.#landing = LandingBuffer.for(this.#input);
            if (this.#landing !== null)
                return this.#landing.read(size);
        }
        return bytesToArray(this.#input.read_bytes(size, null));
    }
}

/**
 * Takes the `available` bytes a `Gio.BufferedInputStream` holds (an async
 * read's landing buffer, transport.ts): copied straight from its buffer
 * where `toArray()` copies anyway, else through `read_bytes()` (whose
 * `toArray()` is then a view, no copy).
 * @param buffered - the buffered stream, holding `available` bytes.
 * @param available - `buffered.get_available()`.
 * @returns the bytes, a JS array of their own.
 * @internal
 * @example
 * const chunk = takeBuffered(buffered, buffered.get_available());
 */
export function takeBuffered(buffered: Gio.BufferedInputStream, available: number): Uint8Array {
    if (!bytesToArrayCopies())
        return buffered.read_bytes(available, null).toArray();
    const data = buffered.peek_buffer() as Uint8Array;
    buffered.skip(data.length, null);
    return data;
}
