/**
 * The framing of the worker protocol: length-prefixed binary frames on a
 * pipe, both ways.
 *
 *     u32 LE  0x4B41 << 16 | flags     ("KA", then FLAG_TAGGED | FLAG_ASCII)
 *     u32 LE  JSON length (bytes)
 *     u32 LE  binary length (bytes)
 *     JSON    a UTF-8 JSON array: [kind, ...] (see the message kinds below)
 *     binary  the raw bytes of every Uint8Array/ArrayBuffer/GLib.Bytes in
 *             the message, in order (codec.ts refers to them by offset)
 *
 * Binary values are never base64'd. A frame with a large binary section
 * pads its JSON with spaces so that header and JSON fill the reader's first
 * read (`FRAME_HEAD_READ`, io/link.ts): the binary section then arrives in
 * a read of its own, which the reader hands on as it is, without a copy.
 * A frame whose magic is wrong, whose
 * lengths exceed {@link MAX_FRAME_BYTES}, or whose JSON does not parse is a
 * protocol error: the reader throws, and the side that reads it gives up on
 * the link at once (the parent fails the worker's calls with a WorkerError,
 * a worker exits) — it never waits for bytes that will not come.
 * @module
 */
import { FRAME_HEAD_READ } from '../io/link.js';
import { decodeValue, type Encoder } from './codec.js';

const MAGIC = 0x4b41;
/** The JSON holds tagged values: the decoder must walk it. */
const FLAG_TAGGED = 1;
/** The JSON is ASCII: a short one is read without a TextDecoder. */
const FLAG_ASCII = 2;
const HEADER_BYTES = 12;

/** The largest frame (JSON + binary) either side sends or accepts: 512 MiB. */
export const MAX_FRAME_BYTES = 512 * 1024 * 1024;

/** parent → worker: `[CALL, id, fn, args, flags]` (fn: a function id, or `'module-uri#export'`). */
export const CALL = 0;
/** both ways: `[RESULT, id, ok (1|0), value]` — a call's result or failure. */
export const RESULT = 1;
/** worker → parent: `[PROGRESS, id, pos, max]`. */
export const PROGRESS = 2;
/** worker → parent: `[MAIN_CALL, id, name, args]` — `kaa.callMain(name, ...args)`. */
export const MAIN_CALL = 3;
/** worker → parent: `[HELLO, pid, error | null]` — the worker is ready, or its start-up module failed. */
export const HELLO = 4;
/** parent → worker: `[DEFINE, fn, source]` — a function's source, sent once per worker before its first call. */
export const DEFINE = 5;

/** `flags` of a CALL: the function wants a progress status as its first argument. */
export const CALL_PROGRESS = 1;

/** Where each kind keeps its codec-encoded value (the decoder walks only that one). */
const VALUE_AT: Record<number, number> = { [CALL]: 3, [RESULT]: 3, [MAIN_CALL]: 3 };

/** One decoded frame: the message array, its values decoded. */
export type Message = unknown[];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Builds one frame from a message whose value parts were encoded by `enc`.
 * @param message - the JSON-ready message array.
 * @param enc - the codec encoder that holds the binaries, or null.
 * @returns the frame bytes.
 * @throws RangeError when the frame would exceed {@link MAX_FRAME_BYTES}.
 * @example
 * transport.send(encodeFrame([RESULT, id, 1, enc.encode(value, 'result')], enc));
 */
export function encodeFrame(message: Message, enc: Encoder | null): Uint8Array {
    const text = JSON.stringify(message);
    const binLength = enc?.binaryLength ?? 0;
    const tagged = enc?.tagged ? FLAG_TAGGED : 0;
    if (binLength === 0 && text.length <= ASCII_COPY) {
        const ascii = asciiFrame(text);
        if (ascii !== null)
            return writeHeader(ascii, tagged | FLAG_ASCII, text.length, 0);
    }
    if (text.length <= 16384 && binLength === 0) {
        // Small frame: UTF-8 straight into the frame buffer (at most 3 bytes per UTF-16 unit).
        const buf = new Uint8Array(HEADER_BYTES + text.length * 3);
        const { written } = encoder.encodeInto(text, buf.subarray(HEADER_BYTES));
        return writeHeader(buf.subarray(0, HEADER_BYTES + (written ?? 0)), tagged, written ?? 0, 0);
    }
    const json = encoder.encode(text);
    if (json.length + binLength > MAX_FRAME_BYTES)
        throw new RangeError(`a worker message of ${json.length + binLength} bytes exceeds the limit of ${MAX_FRAME_BYTES} bytes`);
    const frame = new Uint8Array(HEADER_BYTES + json.length + binLength);
    frame.set(json, HEADER_BYTES);
    let at = HEADER_BYTES + json.length;
    for (const blob of enc?.blobs ?? []) {
        frame.set(blob, at);
        at += blob.length;
    }
    return writeHeader(frame, tagged, json.length, binLength);
}

/** Writes the 12-byte header at the start of `frame` (byte by byte: no DataView per frame); returns `frame`. */
function writeHeader(frame: Uint8Array, flags: number, jsonLength: number, binLength: number): Uint8Array {
    frame[0] = flags;
    frame[1] = 0;
    frame[2] = MAGIC & 0xff;
    frame[3] = MAGIC >>> 8;
    for (let i = 0; i < 4; i++) {
        frame[4 + i] = (jsonLength >>> (8 * i)) & 0xff;
        frame[8 + i] = (binLength >>> (8 * i)) & 0xff;
    }
    return frame;
}

/** The little-endian u32 at `at` of `bytes`. */
function u32(bytes: Uint8Array, at: number): number {
    return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16)) + bytes[at + 3] * 0x1000000;
}

/**
 * JSON texts up to this length are first copied into the frame byte by byte
 * when they are ASCII: for a call's or a result's few dozen characters that
 * takes 0.05 µs where `TextEncoder.encodeInto()` takes 1.5–1.9 µs (GJS 1.74).
 */
const ASCII_COPY = 1024;

/** A frame with room for the header and `text` as its JSON, when `text` is all ASCII; else null. */
function asciiFrame(text: string): Uint8Array | null {
    const frame = new Uint8Array(HEADER_BYTES + text.length);
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c > 0x7f)
            return null;
        frame[HEADER_BYTES + i] = c;
    }
    return frame;
}

/** JSON texts up to this length, sent as ASCII, are read without a TextDecoder. */
const ASCII_DECODE = 256;

/** Binary sections from this size on travel as their own parts (no copy into the frame). */
const PART_BYTES = 65536;

/**
 * Builds one frame as parts to write one after the other: the header and
 * JSON, then each binary value as it is (a large Uint8Array is not copied).
 * Small frames are one part.
 * @param message - the JSON-ready message array.
 * @param enc - the codec encoder that holds the binaries, or null.
 * @returns the parts.
 * @throws RangeError when the frame would exceed {@link MAX_FRAME_BYTES}.
 * @example
 * link.send(encodeFrameParts([RESULT, id, 1, enc.encode(value, 'result')], enc));
 */
export function encodeFrameParts(message: Message, enc: Encoder | null): Uint8Array[] {
    const binLength = enc?.binaryLength ?? 0;
    if (binLength < PART_BYTES || !enc)
        return [encodeFrame(message, enc)];
    const json = encoder.encode(JSON.stringify(message));
    if (json.length + binLength > MAX_FRAME_BYTES)
        throw new RangeError(`a worker message of ${json.length + binLength} bytes exceeds the limit of ${MAX_FRAME_BYTES} bytes`);
    // JSON allows trailing spaces: the binary section starts after the reader's first read.
    const jsonLength = Math.max(json.length, FRAME_HEAD_READ - HEADER_BYTES);
    const head = new Uint8Array(HEADER_BYTES + jsonLength).fill(0x20, HEADER_BYTES + json.length);
    head.set(json, HEADER_BYTES);
    writeHeader(head, enc.tagged ? FLAG_TAGGED : 0, jsonLength, binLength);
    return [head, ...enc.blobs.filter(blob => blob.length > 0)];
}

/**
 * Cuts frames out of the byte stream of a pipe. Feed it what the pipe gave
 * (`push`), then take frames (`next`) until it returns null. A binary
 * section that arrives as one whole chunk of its own (a read of exactly
 * {@link FrameReader.pending} bytes after the head) is taken as it is;
 * otherwise it is copied into a buffer of its own as it arrives, so the
 * pipe's chunks can be collected at once.
 * @example
 * reader.push(chunk);
 * for (let m = reader.next(); m; m = reader.next()) handle(m);
 */
export class FrameReader {
    readonly #chunks: Uint8Array[] = [];
    /** Bytes of the first chunk already taken (kept instead of a subarray per take). */
    #offset = 0;
    #available = 0;
    /** Header fields of the frame being read; -1 when its header is still missing. */
    #flags = -1;
    #jsonLength = 0;
    #binLength = 0;
    #message: Message | null = null;
    #binary: Uint8Array | null = null;
    #filled = 0;

    /**
     * Bytes still missing from the frame being read, up to the end of its
     * JSON while that is incomplete, else to the end of the frame (0 when its
     * header has not arrived): a read of this size gets the binary section
     * alone, which then needs no copy.
     */
    get pending(): number {
        if (this.#flags < 0)
            return 0;
        if (this.#message === null)
            return this.#jsonLength - this.#available;
        return this.#binLength - this.#filled - this.#available;
    }

    /** Size (JSON + binary) of the frame being read; 0 when its header has not arrived. */
    get frameBytes(): number {
        return this.#flags < 0 ? 0 : this.#jsonLength + this.#binLength;
    }

    /**
     * Adds bytes read from the pipe.
     * @param chunk - the bytes; kept by reference until consumed.
     */
    push(chunk: Uint8Array): void {
        if (chunk.length) {
            this.#chunks.push(chunk);
            this.#available += chunk.length;
        }
    }

    /**
     * The next complete frame's message (values decoded), or null when more bytes are needed.
     * @returns the message, or null.
     * @throws Error on a malformed or oversized frame.
     */
    next(): Message | null {
        if (this.#message === null && !this.#readHead())
            return null;
        if (this.#binLength > 0 && this.#binary === null) {
            const first = this.#chunks[0];
            if (first === undefined)
                return null;
            if (this.#offset === 0 && first.length === this.#binLength && first.byteOffset === 0 && first.buffer.byteLength === first.length) {
                // The binary section is a read of its own: taken as it is, no copy.
                this.#binary = this.#take(this.#binLength);
                this.#filled = this.#binLength;
            } else {
                this.#binary = new Uint8Array(this.#binLength);
            }
        }
        if (this.#binary !== null) {
            while (this.#filled < this.#binLength && this.#available > 0) {
                const part = this.#take(Math.min(this.#binLength - this.#filled, this.#chunks[0].length - this.#offset));
                this.#binary.set(part, this.#filled);
                this.#filled += part.length;
            }
            if (this.#filled < this.#binLength)
                return null;
        }
        const message = this.#message as Message;
        const at = VALUE_AT[message[0] as number];
        if ((this.#flags & FLAG_TAGGED) && at !== undefined)
            message[at] = decodeValue(message[at], this.#binary);
        this.#flags = -1;
        this.#message = null;
        this.#binary = null;
        this.#filled = 0;
        return message;
    }

    /** Reads the header and the JSON of the next frame; false when bytes are missing. */
    #readHead(): boolean {
        if (this.#flags < 0) {
            if (this.#available < HEADER_BYTES)
                return false;
            let head = this.#chunks[0];
            let at = this.#offset;
            if (head.length - at >= HEADER_BYTES) {
                this.#skip(HEADER_BYTES);
            } else {
                head = this.#take(HEADER_BYTES);
                at = 0;
            }
            const word = u32(head, at);
            this.#jsonLength = u32(head, at + 4);
            this.#binLength = u32(head, at + 8);
            if (word >>> 16 !== MAGIC)
                throw new Error(`kaa worker protocol: malformed frame (bad magic 0x${word.toString(16)}; did something else write to the protocol pipe?)`);
            if (this.#jsonLength + this.#binLength > MAX_FRAME_BYTES || this.#jsonLength === 0)
                throw new Error(`kaa worker protocol: frame of ${this.#jsonLength} + ${this.#binLength} bytes refused (limit ${MAX_FRAME_BYTES})`);
            this.#flags = word & 0xffff;
        }
        if (this.#available < this.#jsonLength)
            return false;
        let message: unknown;
        try {
            message = JSON.parse(this.#text(this.#jsonLength));
        } catch (e) {
            throw new Error(`kaa worker protocol: malformed frame (its JSON does not parse: ${(e as Error).message})`);
        }
        if (!Array.isArray(message) || typeof message[0] !== 'number')
            throw new Error('kaa worker protocol: malformed frame (not a message array)');
        this.#message = message;
        this.#binary = null;
        return true;
    }

    /**
     * Takes the frame's JSON text: a short ASCII one (the sender says so) that
     * lies in one chunk is built char by char (for a few dozen characters
     * about half of what a TextDecoder call costs, GJS 1.74), else decoded.
     */
    #text(n: number): string {
        const first = this.#chunks[0];
        const at = this.#offset;
        if (!(this.#flags & FLAG_ASCII) || n > ASCII_DECODE || first.length - at < n)
            return decoder.decode(this.#take(n));
        let text = '';
        for (let i = at; i < at + n; i++)
            text += String.fromCharCode(first[i]);
        this.#skip(n);
        return text;
    }

    /** Drops `n` bytes that lie in the first chunk. */
    #skip(n: number): void {
        this.#offset += n;
        this.#available -= n;
        if (this.#offset === this.#chunks[0].length) {
            this.#chunks.shift();
            this.#offset = 0;
        }
    }

    /** Removes and returns the first `n` buffered bytes (no copy when they lie in one chunk). */
    #take(n: number): Uint8Array {
        const first = this.#chunks[0];
        const at = this.#offset;
        if (first.length - at >= n) {
            const out = at === 0 && n === first.length ? first : first.subarray(at, at + n);
            this.#skip(n);
            return out;
        }
        const out = new Uint8Array(n);
        let off = 0;
        while (off < n) {
            const c = this.#chunks[0];
            const k = Math.min(c.length - this.#offset, n - off);
            out.set(c.subarray(this.#offset, this.#offset + k), off);
            off += k;
            this.#skip(k);
        }
        return out;
    }
}
