/**
 * The value codec of the worker protocol (DESIGN.md §6): what crosses
 * between the main process and a worker, both ways.
 *
 * Allowed: JSON values, `undefined`, `NaN`/`±Infinity`/`-0`, `Uint8Array`,
 * `ArrayBuffer`, `GLib.Bytes`, `Map`, `Set`, `Date`, `BigInt` and errors
 * (`Error` and its subclasses with name, message, stack, cause and their own
 * enumerable fields; `GLib.Error` with its domain and code). Anything else —
 * a function, a symbol, a class instance, a GObject, a cycle — fails at the
 * call site with a `TypeError` naming the path of the bad value
 * (`args[1].callback`).
 *
 * The encoded form is plain JSON: special values become objects with the
 * one key `TAG` (a NUL character, which no sane key uses; a user object
 * that has it is escaped), and binary values are not in the JSON at all —
 * they travel as raw bytes after it, referenced by offset and length, and
 * so do strings of 64 Ki units or more, as UTF-8 (a 200 MiB string result
 * then costs the receiver about twice its size at the peak, not five times).
 * Decoding walks the parsed JSON only when the encoder said it tagged
 * something, so plain JSON costs nothing more than `JSON.parse`.
 * @module
 */
import GLib from 'gi://GLib';
import {
    CallableError, InProgressAborted, SocketError, TimeoutException, WorkerError, describeValue,
} from '../notifier/errors.js';

/** The key of a tagged object in the JSON text. */
const TAG = '\u0000';
/** Nesting depth from which the encoder looks for cycles. */
const CYCLE_CHECK_DEPTH = 8;
const ALLOWED = 'JSON values, undefined, Uint8Array, ArrayBuffer, GLib.Bytes, Map, Set, Date, BigInt and Error';

/** Strings of this many UTF-16 units or more travel as raw UTF-8 (64 Ki). */
const BIG_STRING = 65536;
const LONE_SURROGATE = /\p{Cs}/u;
const utf8 = new TextEncoder();
/** `fatal`: GJS then builds an ASCII/Latin-1 string in one pass, without a two-byte copy. */
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

type Tagged = { [TAG]: string; v?: unknown; o?: number; l?: number };

/**
 * What {@link Encoder} produced for one value: JSON-ready data plus the binaries it refers to.
 * @example
 * const enc = new Encoder();
 * const frame = encodeFrame([RESULT, id, 1, enc.encode(value, 'result')], enc);
 */
export class Encoder {
    /** The binary values met, in order; their bytes follow the JSON in the frame. */
    readonly blobs: Uint8Array[] = [];
    /** Total length of {@link blobs}. */
    binaryLength = 0;
    /** True when the output holds tagged objects (the decoder must walk it). */
    tagged = false;
    /** The containers being encoded (outermost first), to catch a cycle; made at the first container. */
    #stack: object[] | null = null;
    #paths: string[] | null = null;

    /**
     * Turns `value` into JSON-ready data.
     * @param value - the value to send.
     * @param path - how to name it in an error (`args`, `result`).
     * @returns the JSON-ready form (an array of plain JSON values is returned
     *   as it is, not copied: turn it into text before it may change).
     * @throws TypeError naming the path of a value that cannot be sent.
     * @example
     * const enc = new Encoder(); const json = JSON.stringify(enc.encode(args, 'args'));
     */
    encode(value: unknown, path: string): unknown {
        switch (typeof value) {
        case 'string':
            // A long string travels as UTF-8 bytes after the JSON (unless it holds a
            // lone surrogate, which UTF-8 cannot carry): JSON would need the text
            // escaped, copied into the frame, decoded and parsed — about 5× its size
            // in the receiver at the peak — where this takes the bytes and one string.
            if (value.length >= BIG_STRING && !LONE_SURROGATE.test(value))
                return this.#blob('t', utf8.encode(value));
            return value;
        case 'boolean':
            return value;
        case 'number':
            if (Number.isFinite(value) && !Object.is(value, -0))
                return value;
            return this.#tag({ [TAG]: 'n', v: Object.is(value, -0) ? '-0' : String(value) });
        case 'undefined':
            return this.#tag({ [TAG]: 'u' });
        case 'bigint':
            return this.#tag({ [TAG]: 'i', v: value.toString() });
        case 'object':
            if (value === null)
                return null;
            return Array.isArray(value) && isPlainArray(value) ? value : this.#object(value, path);
        default:
            throw new TypeError(`${path}: ${describeValue(value)} cannot be sent to or from a worker (allowed: ${ALLOWED})`);
        }
    }

    #tag(t: Tagged): Tagged {
        this.tagged = true;
        return t;
    }

    #blob(kind: string, bytes: Uint8Array): Tagged {
        this.blobs.push(bytes);
        const t = this.#tag({ [TAG]: kind, o: this.binaryLength, l: bytes.length });
        this.binaryLength += bytes.length;
        return t;
    }

    #object(value: object, path: string): unknown {
        if (value instanceof Uint8Array)
            return this.#blob('b', value);
        if (value instanceof ArrayBuffer)
            return this.#blob('a', new Uint8Array(value));
        if (value instanceof GLib.Bytes)
            return this.#blob('g', value.toArray());
        if (value instanceof Date)
            return this.#tag({ [TAG]: 'd', v: Number.isNaN(value.getTime()) ? null : value.getTime() });
        const stack = this.#stack ??= [];
        const paths = this.#paths ??= [];
        // A cycle can only exist below some depth: look for one only from there (cheap for the usual flat values).
        if (stack.length >= CYCLE_CHECK_DEPTH) {
            const at = stack.indexOf(value);
            if (at >= 0)
                throw new TypeError(`${paths[at]}: a cycle (it contains itself, at ${path}) cannot be sent to or from a worker`);
        }
        stack.push(value);
        paths.push(path);
        try {
            return this.#container(value, path);
        } finally {
            stack.pop();
            paths.pop();
        }
    }

    #container(value: object, path: string): unknown {
        if (Array.isArray(value)) {
            const out = new Array<unknown>(value.length);
            for (let i = 0; i < value.length; i++)
                out[i] = this.encode(value[i], `${path}[${i}]`);
            return out;
        }
        if (value instanceof Map) {
            const entries: unknown[] = [];
            let i = 0;
            for (const [k, v] of value) {
                entries.push([this.encode(k, `${path}.<key ${i}>`), this.encode(v, `${path}.get(${describeValue(k)})`)]);
                i++;
            }
            return this.#tag({ [TAG]: 'm', v: entries });
        }
        if (value instanceof Set) {
            const items: unknown[] = [];
            let i = 0;
            for (const v of value)
                items.push(this.encode(v, `${path}.<item ${i++}>`));
            return this.#tag({ [TAG]: 's', v: items });
        }
        if (value instanceof Error || value instanceof GLib.Error)
            return this.#error(value, path);
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null)
            throw new TypeError(`${path}: ${describeValue(value)} cannot be sent to or from a worker (allowed: ${ALLOWED})`);
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(value))
            out[key] = this.encode((value as Record<string, unknown>)[key], member(path, key));
        return TAG in out ? this.#tag({ [TAG]: 'o', v: out }) : out;
    }

    #error(error: Error | GLib.Error, path: string): Tagged {
        const e = error as unknown as Record<string, unknown>;
        const fields: Record<string, unknown> = {};
        for (const key of Object.keys(error)) {
            if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause')
                continue;
            try {
                fields[key] = this.encode(e[key], member(path, key));
            } catch {
                // a field that cannot travel is left out: an error must always get through
            }
        }
        const out: Record<string, unknown> = {
            n: error instanceof GLib.Error ? 'GLib.Error' : String(e.name ?? 'Error'),
            m: String(e.message ?? ''),
            s: typeof e.stack === 'string' ? e.stack : '',
            f: fields,
        };
        if (error instanceof GLib.Error) {
            out.d = GLib.quark_to_string(error.domain);
            out.c = error.code;
        }
        if (error instanceof Error && error.cause !== undefined) {
            try {
                out.x = this.encode(error.cause, `${path}.cause`);
            } catch {
                out.x = this.encode(String(error.cause), `${path}.cause`);
            }
        }
        return this.#tag({ [TAG]: 'e', v: out });
    }
}

/**
 * Whether `value` is sent as it is, with no tag and no walk: a string
 * shorter than 64 Ki units, a boolean, null, a finite number other than -0.
 * @param value - anything.
 * @returns true for such a value.
 * @example
 * const frame = isPlain(value) ? encodeFrame([RESULT, id, 1, value], null) : encodeResult(id, true, value);
 */
export function isPlain(value: unknown): boolean {
    switch (typeof value) {
    case 'string':
        return value.length < BIG_STRING;
    case 'boolean':
        return true;
    case 'number':
        return Number.isFinite(value) && (value !== 0 || 1 / value > 0);
    case 'object':
        return value === null;
    default:
        return false;
    }
}

/**
 * Whether every element of `array` {@link isPlain} (a hole or `undefined`
 * is not): such an array is sent as it is, with no Encoder, copy or walk.
 * @param array - the array.
 * @returns true when every element is plain.
 * @example
 * const enc = isPlainArray(args) ? null : new Encoder();
 */
export function isPlainArray(array: readonly unknown[]): boolean {
    for (let i = 0; i < array.length; i++) {
        if (!isPlain(array[i]))
            return false;
    }
    return true;
}

/** `path.key`, or `path["odd key"]` when the key is not an identifier. */
function member(path: string, key: string): string {
    return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Encodes `value` alone (for a check or a test).
 * @param value - anything.
 * @param path - its name in an error message.
 * @returns the encoder, holding the JSON-ready form in `result`.
 * @throws TypeError naming the path of a value that cannot be sent.
 * @example
 * encodeValue(args, 'args'); // throws if args cannot travel
 */
export function encodeValue(value: unknown, path: string): { encoder: Encoder; result: unknown } {
    const encoder = new Encoder();
    return { encoder, result: encoder.encode(value, path) };
}

const ERRORS: Record<string, new (message?: string) => Error> = {
    Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
    WorkerError, InProgressAborted, TimeoutException, CallableError, SocketError,
};

/**
 * Rebuilds the values the other side encoded: walks `data` (already parsed
 * JSON) and replaces tagged objects; binaries are cut out of `binary`.
 * @param data - the parsed JSON.
 * @param binary - the frame's binary section, or null.
 * @returns the decoded value.
 * @throws Error on a malformed tagged object (a protocol error).
 * @example
 * const args = decodeValue(JSON.parse(text), bin);
 */
export function decodeValue(data: unknown, binary: Uint8Array | null): unknown {
    if (data === null || typeof data !== 'object')
        return data;
    if (Array.isArray(data)) {
        for (let i = 0; i < data.length; i++)
            data[i] = decodeValue(data[i], binary);
        return data;
    }
    const obj = data as Record<string, unknown>;
    if (!(TAG in obj)) {
        for (const key of Object.keys(obj))
            obj[key] = decodeValue(obj[key], binary);
        return obj;
    }
    return decodeTagged(obj as Tagged, binary);
}

function decodeTagged(t: Tagged, binary: Uint8Array | null): unknown {
    switch (t[TAG]) {
    case 'u': return undefined;
    case 'n': return Number(t.v);
    case 'i': return BigInt(String(t.v));
    case 'd': return new Date(t.v === null ? NaN : Number(t.v));
    case 't': return fromUtf8.decode(blob(t, binary, false));
    case 'b': return blob(t, binary, false);
    case 'a': return blob(t, binary, true).buffer;
    case 'g': return new GLib.Bytes(blob(t, binary, false));
    case 'm': return new Map((t.v as [unknown, unknown][]).map(([k, v]) => [decodeValue(k, binary), decodeValue(v, binary)]));
    case 's': return new Set((t.v as unknown[]).map(v => decodeValue(v, binary)));
    case 'e': return decodeError(t.v as Record<string, unknown>, binary);
    case 'o': {
        const obj = t.v as Record<string, unknown>;
        for (const key of Object.keys(obj))
            obj[key] = decodeValue(obj[key], binary);
        return obj;
    }
    default:
        throw new Error(`kaa worker protocol: unknown tag ${describeValue(t[TAG])}`);
    }
}

function blob(t: Tagged, binary: Uint8Array | null, own: boolean): Uint8Array {
    const o = Number(t.o), l = Number(t.l);
    // An empty value has no bytes: a frame holding only empty ones has no binary section at all.
    if (l === 0 && Number.isInteger(o) && o >= 0 && o <= (binary?.length ?? 0))
        return new Uint8Array(0);
    if (binary === null || !(o >= 0 && l >= 0 && o + l <= binary.length))
        throw new Error(`kaa worker protocol: a binary value (${o}+${l}) lies outside the frame`);
    if (o === 0 && l === binary.length && binary.byteOffset === 0 && binary.buffer.byteLength === l)
        return binary; // the whole binary section is this one value: no copy
    return own || binary.length !== l ? binary.slice(o, o + l) : binary.subarray(o, o + l);
}

function decodeError(v: Record<string, unknown>, binary: Uint8Array | null): Error | GLib.Error {
    const name = String(v.n), message = String(v.m);
    let error: Error | GLib.Error;
    if (name === 'GLib.Error') {
        error = GLib.Error.new_literal(GLib.quark_from_string(String(v.d)), Number(v.c), message);
    } else {
        const Ctor = Object.hasOwn(ERRORS, name) ? ERRORS[name] : Error;
        error = new Ctor(message);
        if (error.name !== name)
            Object.defineProperty(error, 'name', { value: name, writable: true, configurable: true });
    }
    Object.defineProperty(error, 'stack', { value: String(v.s), writable: true, configurable: true });
    const fields = v.f as Record<string, unknown>;
    for (const key of Object.keys(fields))
        Object.defineProperty(error, key, { value: decodeValue(fields[key], binary), writable: true, enumerable: true, configurable: true });
    if ('x' in v)
        Object.defineProperty(error, 'cause', { value: decodeValue(v.x, binary), writable: true, configurable: true });
    return error;
}
