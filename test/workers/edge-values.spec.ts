// Values at the edges of the worker codec, end to end through a real worker
// (issue 13): empty binaries both ways, NaN/±Infinity/-0, and a result whose
// `then` getter throws. None of them may kill the worker: each call either
// carries its value or fails alone, and the worker serves the next call.
import { ThreadPool, threaded } from '../../src/index.js';
import { stopWorkers } from './support.js';

const pid = () => new imports.gi.Gio.Credentials().get_unix_pid();

describe('worker values at the edges', () => {
    afterEach(() => stopWorkers());

    it('carries an empty Uint8Array, ArrayBuffer and GLib.Bytes as argument and as result, on one worker', async () => {
        const pool = new ThreadPool({ size: 1 });
        const echo = threaded(pool)((a: Uint8Array, b: ArrayBuffer, c: unknown) =>
            [a.length, b.byteLength, new Uint8Array(0), new ArrayBuffer(0), a, c, new Uint8Array([7]), new imports.gi.Gio.Credentials().get_unix_pid()]);
        const first = await echo(new Uint8Array(0), new ArrayBuffer(0), new Uint8Array(0));
        const [aLength, bLength, emptyView, emptyBuffer, a, , seven] = first;
        expect([aLength, bLength]).toEqual([0, 0]);
        expect(emptyView).toEqual(new Uint8Array(0));
        expect(emptyBuffer).toBeInstanceOf(ArrayBuffer);
        expect((emptyBuffer as ArrayBuffer).byteLength).toBe(0);
        expect(a).toEqual(new Uint8Array(0));
        expect(seven).toEqual(new Uint8Array([7])); // a non-empty value after empty ones keeps its bytes
        const second = await echo(new Uint8Array([1, 2]), new ArrayBuffer(3), new Uint8Array(0));
        expect(second[0]).toBe(2);
        expect(second[7]).withContext('the same worker served both calls').toBe(first[7]);
        expect(pool.statistics().spawned).toBe(1);
    });

    it('carries NaN, Infinity, -Infinity and -0 in a result, at the top and nested', async () => {
        const f = threaded(new ThreadPool())(() => [NaN, Infinity, -Infinity, -0, { x: NaN }, new Map([['n', NaN]])]);
        const [nan, inf, minf, zero, obj, map] = await f();
        expect(nan).toBeNaN();
        expect(inf).toBe(Infinity);
        expect(minf).toBe(-Infinity);
        expect(Object.is(zero, -0)).toBeTrue();
        expect((obj as { x: number }).x).toBeNaN();
        expect((map as Map<string, number>).get('n')).toBeNaN();
        expect(await threaded(new ThreadPool())(() => NaN)()).toBeNaN();
    });

    it('fails only the call whose result has a throwing `then` getter; the worker lives on', async () => {
        const pool = new ThreadPool({ size: 1 });
        const first = await threaded(pool)(pid)();
        const evil = threaded(pool)(() => ({
            get then(): never {
                throw new RangeError('then getter');
            },
        }));
        const error = await evil().then(() => null, (e: unknown) => e) as Error;
        expect(error).toBeInstanceOf(RangeError);
        expect(error.message).toBe('then getter');
        const thrower = threaded(pool)(() => ({
            then() {
                throw new TypeError('then method');
            },
        }));
        const error2 = await thrower().then(() => null, (e: unknown) => e) as Error;
        expect(error2).toBeInstanceOf(TypeError);
        expect(await threaded(pool)(pid)()).withContext('the same worker').toBe(first);
        expect(pool.statistics().spawned).toBe(1);
    });
});
