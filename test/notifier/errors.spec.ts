// The error classes of src/notifier/errors.ts, describeValue(), and
// logException() from src/notifier/log.ts.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import {
    AbortRefused, CallableError, InProgressAborted, InProgressStateError, SocketError, SystemExit, TimeoutException, WorkerError,
    describeValue,
} from '../../src/notifier/errors.js';
import { logException } from '../../src/notifier/log.js';

describe('the kaa error classes', () => {
    const classes = [
        ['CallableError', CallableError], ['SystemExit', SystemExit], ['InProgressAborted', InProgressAborted],
        ['TimeoutException', TimeoutException], ['WorkerError', WorkerError], ['SocketError', SocketError],
        ['InProgressStateError', InProgressStateError], ['AbortRefused', AbortRefused],
    ] as const;

    for (const [name, Class] of classes) {
        it(`makes ${name} an Error whose name is "${name}"`, () => {
            const e = new Class();
            expect(e).toBeInstanceOf(Error);
            expect(e.name).toBe(name);
            expect(String(e)).toMatch(new RegExp(`^${name}: .+`));
            expect(e.stack).toContain('errors.spec');
        });
    }

    it('keeps the underlying failure as cause', () => {
        const cause = new Error('underneath');
        expect(new CallableError('dead', { cause }).cause).toBe(cause);
        expect(new SystemExit(1, { cause }).cause).toBe(cause);
        expect(new InProgressAborted('aborted', { cause }).cause).toBe(cause);
        expect(new TimeoutException('late', { cause }).cause).toBe(cause);
        expect(new WorkerError('died', { cause }).cause).toBe(cause);
        expect(new SocketError('refused', { cause }).cause).toBe(cause);
        expect(new SocketError('refused').cause).toBeUndefined();
    });

    it('uses the message it is given', () => {
        expect(new SocketError('connection refused').message).toBe('connection refused');
        expect(new CallableError().message).toBe('the weak callable is dead');
    });
});

describe('SystemExit', () => {
    it('has code 0 by default and the code it is given', () => {
        expect(new SystemExit().code).toBe(0);
        expect(new SystemExit(3).code).toBe(3);
        expect(new SystemExit(3).message).toBe('exit with status 3');
    });

    it('rejects a code that is not an integer from 0 to 255, naming the value', () => {
        expect(() => new SystemExit(-1)).toThrowError(TypeError, '`code` must be an integer from 0 to 255 (got -1)');
        expect(() => new SystemExit(1.5)).toThrowError(TypeError, /\(got 1\.5\)/);
        expect(() => new SystemExit(256)).toThrowError(TypeError, /\(got 256\)/);
        expect(() => new SystemExit(Number('x'))).toThrowError(TypeError, /\(got NaN\)/);
    });
});

describe('InProgressAborted', () => {
    it('carries the aborted InProgress and the origin of the abort', () => {
        const inprogress = {}, origin = {};
        const e = new InProgressAborted('stop', { inprogress, origin });
        expect(e.inprogress).toBe(inprogress);
        expect(e.origin).toBe(origin);
        expect(new InProgressAborted().inprogress).toBeUndefined();
    });

    it('is the superclass of TimeoutException', () => {
        const e = new TimeoutException('too slow', { inprogress: 1 });
        expect(e).toBeInstanceOf(InProgressAborted);
        expect(e.inprogress).toBe(1);
        expect(new InProgressAborted()).not.toBeInstanceOf(TimeoutException);
    });
});

describe('InProgressStateError', () => {
    it('carries the InProgress and its state, and is the superclass of AbortRefused', () => {
        const inprogress = {};
        const e = new InProgressStateError('finished twice', { inprogress, state: 'finished' });
        expect([e.inprogress, e.state]).toEqual([inprogress, 'finished']);
        expect(new AbortRefused('refused', { state: 'pending' })).toBeInstanceOf(InProgressStateError);
        expect(new InProgressStateError().state).toBeUndefined();
    });
});

describe('WorkerError', () => {
    it('carries the exit status, the signal and the stderr tail', () => {
        const e = new WorkerError('worker died', { status: 1, signal: 9, stderrTail: 'boom\n' });
        expect([e.status, e.signal, e.stderrTail]).toEqual([1, 9, 'boom\n']);
        const bare = new WorkerError();
        expect([bare.status, bare.signal, bare.stderrTail]).toEqual([undefined, undefined, undefined]);
    });
});

describe('describeValue', () => {
    class Point {}
    const cases: [unknown, string][] = [
        [-1, '-1'], [0, '0'], [-0, '-0'], [1.5, '1.5'], [NaN, 'NaN'], [Infinity, 'Infinity'],
        ['abc', '"abc"'], ['', '""'], ['a"b', '"a\\"b"'], [undefined, 'undefined'], [null, 'null'],
        [true, 'true'], [5n, '5n'], [Symbol('s'), 'Symbol(s)'], [() => 1, 'a function'],
        [{}, 'an object'], [Object.create(null), 'an object'], [[1, 2], 'an array'],
        [new Date(0), 'a Date'], [new Uint8Array(2), 'a Uint8Array'], [new Point(), 'a Point'],
        [new Error('x'), 'an Error'], [new Gio.Cancellable(), 'a Gio.Cancellable'],
    ];

    for (const [value, text] of cases) {
        it(`names ${text}`, () => expect(describeValue(value)).toBe(text));
    }

    it('cuts a long string', () => {
        const text = describeValue('x'.repeat(100));
        expect(text.length).toBeLessThan(50);
        expect(text).toMatch(/^"x+…"$/);
    });
});

describe('logException', () => {
    let printed: string[];

    beforeEach(() => {
        printed = [];
        spyOn(globalThis, 'printerr').and.callFake((...args: unknown[]) => void printed.push(args.join(' ')));
    });

    it('prints the context, the error and its stack with printerr', () => {
        const error = new TypeError('bad thing');
        logException(error, 'a callback threw');
        expect(printed.length).toBe(1);
        expect(printed[0]).toMatch(/^kaa: a callback threw: TypeError: bad thing\n/);
        expect(printed[0]).toContain((error.stack ?? '').trim().split('\n')[0]);
    });

    it('prints the cause chain', () => {
        logException(new SocketError('refused', { cause: new Error('underneath') }), 'connect');
        expect(printed[0]).toContain('SocketError: refused');
        expect(printed[0]).toContain('\nCaused by: Error: underneath');
    });

    it('names a thrown value that is not an Error', () => {
        logException(42, 'step');
        logException({ code: 1 }, 'step');
        expect(printed).toEqual(['kaa: step: 42 was thrown', 'kaa: step: an object was thrown']);
    });

    it('prints a GLib.Error, which is not an Error in GJS', () => {
        let error: unknown;
        try {
            Gio.File.new_for_path('/nonexistent/kaa').load_contents(null);
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(GLib.Error);
        logException(error, 'load');
        expect(printed[0]).toContain('kaa: load: Gio.IOErrorEnum: ');
        expect(printed[0]).toContain('/nonexistent/kaa');
    });
});
