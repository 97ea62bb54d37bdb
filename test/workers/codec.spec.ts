// The worker codec and framing (src/workers/codec.ts, protocol.ts), in
// process: what a value looks like after a trip through a frame, which
// values are refused and how the error names them, and how malformed or
// oversized frames fail.
import GLib from 'gi://GLib';
import { Encoder, isPlain, isPlainArray } from '../../src/workers/codec.js';
import { FRAME_HEAD_READ } from '../../src/io/link.js';
import { FrameReader, MAX_FRAME_BYTES, RESULT, encodeFrame, encodeFrameParts, type Message } from '../../src/workers/protocol.js';
import { InProgressAborted, WorkerError } from '../../src/notifier/errors.js';

/** Sends `value` through a RESULT frame, cut into `pieces` chunks, and returns what comes out. */
function trip(value: unknown, pieces = 1): unknown {
    const encoder = new Encoder();
    const frame = encodeFrame([RESULT, 1, 1, encoder.encode(value, 'value')], encoder);
    const reader = new FrameReader();
    const step = Math.ceil(frame.length / pieces);
    let message: Message | null = null;
    for (let at = 0; at < frame.length; at += step) {
        expect(message).toBeNull();
        reader.push(frame.slice(at, at + step));
        message = reader.next();
    }
    expect(message).not.toBeNull();
    expect(reader.next()).toBeNull();
    return (message as Message)[3];
}

function header(magic: number, jsonLength: number, binLength: number): Uint8Array {
    const head = new Uint8Array(12);
    const view = new DataView(head.buffer);
    view.setUint32(0, magic, true);
    view.setUint32(4, jsonLength, true);
    view.setUint32(8, binLength, true);
    return head;
}

describe('the worker codec', () => {
    it('carries JSON values unchanged', () => {
        const value = { s: 'é\u{1F600}\uD800', n: 1.5, t: true, f: false, z: null, a: [1, [2, { b: 'c' }]], e: {} };
        expect(trip(value)).toEqual(value);
    });

    it('carries long strings as raw UTF-8 after the JSON, and one with a lone surrogate as JSON', () => {
        const ascii = 'x'.repeat(70000), wide = '€\u{1F600}'.repeat(30000), lone = `${'y'.repeat(70000)}\uD800z`;
        const encoder = new Encoder();
        encoder.encode([ascii, wide, lone], 'value');
        expect(encoder.binaryLength).toBe(70000 + 30000 * 7); // ascii and wide; lone stays in the JSON
        expect(trip([ascii, wide, new Uint8Array([1, 2]), lone, 'short'], 7)).toEqual([ascii, wide, new Uint8Array([1, 2]), lone, 'short']);
    });

    it('carries empty binaries, also when they are all the frame holds', () => {
        const out = trip([new Uint8Array(0), new ArrayBuffer(0)]) as [Uint8Array, ArrayBuffer];
        expect(out[0]).toEqual(new Uint8Array(0));
        expect(out[1]).toBeInstanceOf(ArrayBuffer);
        expect(out[1].byteLength).toBe(0);
        expect(trip([new Uint8Array([5]), new Uint8Array(0), new Uint8Array([6])])).toEqual([new Uint8Array([5]), new Uint8Array(0), new Uint8Array([6])]);
    });

    it('carries undefined, NaN, Infinity, -0 and BigInt', () => {
        const out = trip([undefined, NaN, Infinity, -Infinity, -0, 2n ** 70n, { u: undefined }]) as unknown[];
        expect(out.length).toBe(7);
        expect(out[0]).toBeUndefined();
        expect(out[1]).toBeNaN();
        expect(out[2]).toBe(Infinity);
        expect(out[3]).toBe(-Infinity);
        expect(Object.is(out[4], -0)).toBeTrue();
        expect(out[5]).toBe(2n ** 70n);
        expect(Object.keys(out[6] as object)).toEqual(['u']);
    });

    it('carries Map, Set and Date, nested', () => {
        const when = new Date(Date.UTC(2024, 1, 29, 12));
        const out = trip(new Map<unknown, unknown>([['k', new Set([1, when])], [2, new Map([[3, 4]])]])) as Map<unknown, unknown>;
        expect(out).toBeInstanceOf(Map);
        const set = out.get('k') as Set<unknown>;
        expect(set).toBeInstanceOf(Set);
        const [one, date] = [...set];
        expect(one).toBe(1);
        expect((date as Date).getTime()).toBe(when.getTime());
        expect((out.get(2) as Map<number, number>).get(3)).toBe(4);
        expect(Number.isNaN((trip(new Date(NaN)) as Date).getTime())).toBeTrue();
    });

    it('carries Uint8Array, ArrayBuffer and GLib.Bytes as raw bytes, not in the JSON', () => {
        const bytes = new Uint8Array(300).map((_, i) => i & 0xff);
        const encoder = new Encoder();
        const frame = encodeFrame([RESULT, 1, 1, encoder.encode([bytes, bytes.buffer], 'v')], encoder);
        expect(frame.length).toBeGreaterThan(600);
        expect(frame.length).toBeLessThan(700); // 600 raw bytes + a short header: no base64
        const [u8, ab, gb] = trip([bytes, bytes.slice(10, 20).buffer, new GLib.Bytes(bytes.subarray(0, 5))], 7) as [Uint8Array, ArrayBuffer, GLib.Bytes];
        expect(u8).toBeInstanceOf(Uint8Array);
        expect([...u8]).toEqual([...bytes]);
        expect(ab).toBeInstanceOf(ArrayBuffer);
        expect([...new Uint8Array(ab)]).toEqual([...bytes.slice(10, 20)]);
        expect(gb).toBeInstanceOf(GLib.Bytes);
        expect([...gb.toArray()]).toEqual([0, 1, 2, 3, 4]);
    });

    it('gives each decoded binary its own buffer', () => {
        const [a, b] = trip([new Uint8Array([1, 2]), new Uint8Array([3])]) as Uint8Array[];
        expect(a.buffer.byteLength).toBe(2);
        expect(b.buffer.byteLength).toBe(1);
        const big = trip(new Uint8Array(1 << 20).fill(7), 20) as Uint8Array;
        expect(big.length).toBe(1 << 20);
        expect(big[0] + big[(1 << 20) - 1]).toBe(14);
    });

    it('carries errors with name, message, stack, cause and own fields', () => {
        const error = new RangeError('too far', { cause: new Error('root cause') }) as RangeError & { code?: number };
        error.code = 42;
        const out = trip(error) as RangeError & { code?: number };
        expect(out).toBeInstanceOf(RangeError);
        expect(out.message).toBe('too far');
        expect(out.stack).toBe(error.stack as string);
        expect((out.cause as Error).message).toBe('root cause');
        expect(out.code).toBe(42);
        const custom = new Error('x');
        custom.name = 'MyError';
        expect((trip(custom) as Error).name).toBe('MyError');
    });

    it('rebuilds kaa errors and GLib.Error as themselves', () => {
        const w = trip(new WorkerError('gone', { status: 3, stderrTail: 'boom' })) as WorkerError;
        expect(w).toBeInstanceOf(WorkerError);
        expect(w.status).toBe(3);
        expect(w.stderrTail).toBe('boom');
        expect(trip(new InProgressAborted('stop'))).toBeInstanceOf(InProgressAborted);
        const g = trip(GLib.Error.new_literal(GLib.quark_from_string('g-io-error-quark'), 1, 'not found')) as GLib.Error;
        expect(g).toBeInstanceOf(GLib.Error);
        expect(g.message).toBe('not found');
        expect(g.code).toBe(1);
        expect(GLib.quark_to_string(g.domain)).toBe('g-io-error-quark');
    });

    it('keeps an object that uses the tag key as a plain key', () => {
        expect(trip({ '\u0000': 'u', v: 1 })).toEqual({ '\u0000': 'u', v: 1 });
    });

    it('refuses functions, symbols, class instances and GObjects, naming the path', () => {
        const enc = () => new Encoder();
        expect(() => enc().encode([1, { callback: () => 1 }], 'args')).toThrowError(TypeError, /^args\[1\]\.callback: a function cannot be sent/);
        expect(() => enc().encode({ s: Symbol('x') }, 'args')).toThrowError(TypeError, /^args\.s: /);
        expect(() => enc().encode({ 'odd key': new (class Point {})() }, 'args')).toThrowError(TypeError, /^args\["odd key"\]: a Point cannot be sent/);
        expect(() => enc().encode([new Map([['k', new Float64Array(1)]])], 'args')).toThrowError(TypeError, /^args\[0\]\.get\("k"\): a Float64Array/);
        expect(() => enc().encode([new GLib.MainLoop(null, false)], 'args')).toThrowError(TypeError, /^args\[0\]: a GLib\.MainLoop cannot be sent/);
    });

    it('refuses a cycle, naming where it starts', () => {
        const a: Record<string, unknown> = { x: 1 };
        a.self = a;
        expect(() => new Encoder().encode([a], 'args')).toThrowError(TypeError, /^args\[0\]: a cycle/);
    });

    it('sends an object seen twice (not a cycle) twice', () => {
        const shared = { n: 1 };
        expect(trip([shared, shared])).toEqual([{ n: 1 }, { n: 1 }]);
    });
});

describe('the worker framing', () => {
    it('writes the JSON as UTF-8, ASCII or not, short or long', () => {
        const utf8 = new TextEncoder();
        const texts = ['plain', 'é', 'a😀b', 'x'.repeat(1000) + 'ü', 'y'.repeat(1020), 'z'.repeat(1021), 'q'.repeat(3000) + 'ß', '\ud800'];
        for (const text of texts) {
            const message = [RESULT, 7, 1, text];
            const frame = encodeFrame(message, null);
            expect(frame.subarray(12)).toEqual(utf8.encode(JSON.stringify(message)));
            expect(new DataView(frame.buffer, frame.byteOffset).getUint32(4, true)).toBe(frame.length - 12);
            const reader = new FrameReader();
            reader.push(frame);
            expect(reader.next()).toEqual(message);
        }
    });

    it('marks a short ASCII JSON as such, and reads it the same whole, split or after another frame', () => {
        const ascii = encodeFrame([RESULT, 3, 1, 'plain'], null), other = encodeFrame([RESULT, 4, 1, 'é'], null);
        expect(ascii[0] & 2).toBe(2); // FLAG_ASCII: read without a TextDecoder
        expect(other[0] & 2).toBe(0);
        const both = new Uint8Array(other.length + ascii.length);
        both.set(other);
        both.set(ascii, other.length);
        for (const step of [1, 5, 13, both.length]) {
            const reader = new FrameReader();
            const out: Message[] = [];
            for (let at = 0; at < both.length; at += step) {
                reader.push(both.subarray(at, at + step));
                for (let m = reader.next(); m; m = reader.next())
                    out.push(m);
            }
            expect(out).toEqual([[RESULT, 4, 1, 'é'], [RESULT, 3, 1, 'plain']]);
        }
    });

    it('sends an array of plain JSON values as it is, and walks one holding anything else', () => {
        const plain = [1, 'two', true, null, -1.5];
        expect(isPlainArray(plain)).toBeTrue();
        expect(new Encoder().encode(plain, 'args')).toBe(plain);
        // eslint-disable-next-line no-sparse-arrays
        for (const odd of [[-0], [undefined], [NaN], [Infinity], [1n], [[1]], [{}], ['x'.repeat(65536)], [, 1]]) {
            expect(isPlainArray(odd)).withContext(String(odd)).toBeFalse();
            const encoder = new Encoder();
            const frame = encodeFrame([RESULT, 1, 1, encoder.encode(odd, 'args')], encoder);
            const reader = new FrameReader();
            reader.push(frame);
            const back = ((reader.next() as Message)[3] as unknown[])[0];
            if (typeof odd[0] === 'object')
                expect(back).withContext(String(odd)).toEqual(odd[0]);
            else
                expect(Object.is(back, odd[0])).withContext(String(odd)).toBeTrue();
        }
        expect(isPlain(-0)).toBeFalse();
        expect(isPlain(0)).toBeTrue();
    });

    it('cuts several frames out of one chunk and one frame out of many', () => {
        const one = encodeFrame([RESULT, 1, 1, 'a'], null), two = encodeFrame([RESULT, 2, 1, 'b'], null);
        const both = new Uint8Array(one.length + two.length);
        both.set(one);
        both.set(two, one.length);
        const reader = new FrameReader();
        for (let i = 0; i < both.length; i++)
            reader.push(both.subarray(i, i + 1));
        expect(reader.next()).toEqual([RESULT, 1, 1, 'a']);
        expect(reader.next()).toEqual([RESULT, 2, 1, 'b']);
        expect(reader.next()).toBeNull();
    });

    it('hands a large binary section that arrives as a read of its own on as it is, without a copy', () => {
        const payload = new Uint8Array(100000).fill(7);
        const encoder = new Encoder();
        const parts = encodeFrameParts([RESULT, 1, 1, encoder.encode(payload, 'value')], encoder);
        expect(parts.length).toBe(2);
        expect(parts[0].length).toBe(FRAME_HEAD_READ); // the JSON is padded to the reader's first read
        const reader = new FrameReader();
        reader.push(parts[0].slice());
        expect(reader.next()).toBeNull();
        expect(reader.pending).toBe(payload.length);
        const arrived = parts[1].slice(); // as a read gives it: a buffer of its own
        reader.push(arrived);
        const value = (reader.next() as Message)[3] as Uint8Array;
        expect(value.buffer).toBe(arrived.buffer);
        expect(value.length).toBe(payload.length);
        // Arriving in pieces, or behind other bytes, it is copied into a buffer of its own.
        const again = new FrameReader();
        again.push(parts[0].slice());
        again.push(parts[1].slice(0, 5000));
        again.push(parts[1].slice(5000));
        const copied = (again.next() as Message)[3] as Uint8Array;
        expect(copied.buffer.byteLength).toBe(payload.length);
        expect(copied.every(b => b === 7)).toBeTrue();
    });

    it('asks for the rest of a long JSON first, then for the binary section alone', () => {
        const encoder = new Encoder();
        const long = 'x'.repeat(1000);
        const parts = encodeFrameParts([RESULT, 1, 1, encoder.encode([long, new Uint8Array(70000)], 'value')], encoder);
        const reader = new FrameReader();
        reader.push(parts[0].slice(0, FRAME_HEAD_READ));
        expect(reader.next()).toBeNull();
        expect(reader.pending).toBe(parts[0].length - FRAME_HEAD_READ);
        reader.push(parts[0].slice(FRAME_HEAD_READ));
        expect(reader.next()).toBeNull();
        expect(reader.pending).toBe(70000);
        const arrived = parts[1].slice();
        reader.push(arrived);
        const [text, bytes] = (reader.next() as Message)[3] as [string, Uint8Array];
        expect(text).toBe(long);
        expect(bytes.buffer).toBe(arrived.buffer);
    });

    it('fails on bytes that are not a frame', () => {
        const reader = new FrameReader();
        reader.push(new TextEncoder().encode('hello from print()\n'));
        expect(() => reader.next()).toThrowError(/malformed frame \(bad magic/);
    });

    it('fails on an oversized frame before waiting for its bytes', () => {
        const reader = new FrameReader();
        reader.push(header(0x4b410000, 10, MAX_FRAME_BYTES));
        expect(() => reader.next()).toThrowError(/refused \(limit/);
    });

    it('fails on JSON that does not parse, or is not a message', () => {
        for (const text of ['{not json', '"text"']) {
            const json = new TextEncoder().encode(text);
            const reader = new FrameReader();
            reader.push(header(0x4b410000, json.length, 0));
            reader.push(json);
            expect(() => reader.next()).toThrowError(/malformed frame/);
        }
    });

    it('refuses to build a frame over the limit at the call site', () => {
        const encoder = new Encoder();
        const big = new Uint8Array(1);
        encoder.encode(big, 'v');
        encoder.binaryLength = MAX_FRAME_BYTES + 1; // as if the binaries were that large
        expect(() => encodeFrame([RESULT, 1, 1, null], encoder)).toThrowError(RangeError, /exceeds the limit/);
    });
});
