// Callable and WeakCallable (src/notifier/callable.ts), including the GJS
// 1.74 rule that a weak callable dies when its GObject target is destroyed.
import Gio from 'gi://Gio';
import GObject from 'gi://GObject';
import { Callable, WeakCallable } from '../../src/notifier/callable.js';
import { CallableError } from '../../src/notifier/errors.js';

/** A GObject with a `destroy` signal, standing in for a Gtk.Widget. */
const Destroyable = GObject.registerClass({ Signals: { destroy: {} } }, class Destroyable extends GObject.Object {});

/** Whether `obj` still has a handler connected to its `destroy` signal. */
function hasDestroyHandler(obj: GObject.Object): boolean {
    const id = GObject.signal_lookup('destroy', Destroyable.$gtype);
    return GObject.signal_has_handler_pending(obj, id, 0, false);
}

describe('Callable', () => {
    const join = (...args: unknown[]) => args.join(',');

    it('is a function object and an instance of Callable', () => {
        const c = new Callable(join);
        expect(typeof c).toBe('function');
        expect(c).toBeInstanceOf(Callable);
        expect(c).toBeInstanceOf(Function);
        expect(c.call(null, 1, 2)).toBe('1,2');
        expect(c.apply(null, [3])).toBe('3');
        expect(c.name).toBe('join');
    });

    it('passes the call arguments first, then the bound ones', () => {
        expect(new Callable(join, 'b1', 'b2')('c1', 'c2')).toBe('c1,c2,b1,b2');
    });

    it('passes the bound arguments first when initArgsFirst is set', () => {
        const c = new Callable(join, 'b1');
        c.initArgsFirst = true;
        expect(c('c1')).toBe('b1,c1');
        c.initArgsFirst = false;
        expect(c('c1')).toBe('c1,b1');
    });

    it('passes only the bound arguments when ignoreCallerArgs is set', () => {
        const c = new Callable(join, 'b1');
        expect(c.ignoreCallerArgs).toBeFalse();
        c.ignoreCallerArgs = true;
        expect(c('c1', 'c2')).toBe('b1');
        expect(new Callable(join).initArgsFirst).toBeFalse();
    });

    it('passes the caller\'s this and returns what the function returns', () => {
        const fn = function (this: unknown) {
            return this;
        };
        const holder = { c: new Callable(fn) };
        expect(holder.c()).toBe(holder);
        expect(new Callable(() => 7)()).toBe(7);
    });

    it('lets exceptions of the function through', () => {
        const c = new Callable(() => {
            throw new RangeError('inner');
        });
        expect(() => c()).toThrowError(RangeError, 'inner');
    });

    it('gives a copy of its bound arguments', () => {
        const c = new Callable(join, 1, 2);
        const bound = c.boundArgs;
        bound.push(3);
        expect(c.boundArgs).toEqual([1, 2]);
        expect(c()).toBe('1,2');
    });

    it('rejects a non-function, naming the argument and the value', () => {
        const make = (fn: unknown) => () => new Callable(fn as () => void);
        expect(make(42)).toThrowError(TypeError, '`fn` must be a function (got 42)');
        expect(make(undefined)).toThrowError(TypeError, '`fn` must be a function (got undefined)');
        expect(make('abc')).toThrowError(TypeError, '`fn` must be a function (got "abc")');
        expect(make({})).toThrowError(TypeError, '`fn` must be a function (got an object)');
    });
});

describe('WeakCallable', () => {
    class Counter {
        total = 0;
        add(n: number, m = 0): number {
            this.total += n + m;
            return this.total;
        }
    }

    it('calls a method named on its target, with this = target', () => {
        const counter = new Counter();
        const c = new WeakCallable(counter, 'add');
        expect(c(2)).toBe(2);
        expect(c(3)).toBe(5);
        expect(counter.total).toBe(5);
    });

    it('calls a function with this = target and merges bound arguments', () => {
        const counter = new Counter();
        const c = new WeakCallable(counter, function (this: Counter, n: number, m: number) {
            return this.add(n * 10, m);
        }, 1);
        expect(c(2)).toBe(21);
        c.initArgsFirst = true;
        expect(c(2)).toBe(21 + 12);
    });

    it('is a Callable whose target is alive until it is killed', () => {
        const counter = new Counter();
        const c = new WeakCallable(counter, 'add');
        expect(c).toBeInstanceOf(Callable);
        expect(c.alive).toBeTrue();
        expect(c.target).toBe(counter);
        c.kill();
        expect(c.alive).toBeFalse();
        expect(c.target).toBeUndefined();
        c.kill();
        expect(c.alive).toBeFalse();
    });

    it('throws CallableError when called dead', () => {
        const c = new WeakCallable(new Counter(), 'add');
        c.kill();
        expect(() => c(1)).toThrowError(CallableError, /WeakCallable of method add was called after its target died/);
    });

    it('looks the method up at call time', () => {
        const counter = new Counter();
        const c = new WeakCallable(counter, 'add');
        counter.add = () => -1;
        expect(c(1)).toBe(-1);
        (counter as { add: unknown }).add = 5;
        expect(() => c(1)).toThrowError(CallableError, 'method add is no longer a method of the target (got 5)');
    });

    it('tells onDead once when it dies', () => {
        const c = new WeakCallable(new Counter(), 'add');
        const onDead = jasmine.createSpy('onDead');
        c.onDead = onDead;
        c.kill();
        c.kill();
        expect(onDead).toHaveBeenCalledOnceWith(c);
        expect(c.onDead).toBeNull();
    });

    it('dies when its GObject target emits destroy', () => {
        const obj = new Destroyable();
        const c = new WeakCallable(obj, () => 'called');
        const onDead = jasmine.createSpy('onDead');
        c.onDead = onDead;
        expect(c()).toBe('called');
        expect(hasDestroyHandler(obj)).toBeTrue();
        obj.emit('destroy');
        expect(c.alive).toBeFalse();
        expect(onDead).toHaveBeenCalledTimes(1);
        expect(() => c()).toThrowError(CallableError);
        expect(hasDestroyHandler(obj)).toBeFalse();
    });

    it('disconnects its destroy handler when it is killed', () => {
        const obj = new Destroyable();
        const c = new WeakCallable(obj, () => 1);
        expect(hasDestroyHandler(obj)).toBeTrue();
        c.kill();
        expect(hasDestroyHandler(obj)).toBeFalse();
    });

    it('stays alive with a GObject target that has no destroy signal', () => {
        const cancellable = new Gio.Cancellable();
        const c = new WeakCallable(cancellable, 'is_cancelled');
        expect(c.alive).toBeTrue();
        expect(c()).toBeFalse();
    });

    it('rejects a target that is not an object and a method that is not one', () => {
        expect(() => new WeakCallable(42 as unknown as object, () => 1))
            .toThrowError(TypeError, '`target` must be an object (got 42)');
        expect(() => new WeakCallable(new Counter(), 'total' as never))
            .toThrowError(TypeError, '`method` must be a function or the name of a method of `target` (got "total")');
        expect(() => new WeakCallable(new Counter(), 'nope' as never)).toThrowError(TypeError, /\(got "nope"\)/);
        expect(() => new WeakCallable(new Counter(), 3 as never)).toThrowError(TypeError, /\(got 3\)/);
    });

    it('types method names by the target', () => {
        const typeChecks = () => {
            new WeakCallable(new Counter(), 'add');
            // @ts-expect-error `total` is not a method
            new WeakCallable(new Counter(), 'total');
            // @ts-expect-error no such method
            new WeakCallable(new Counter(), 'nope');
        };
        expect(typeChecks).toBeInstanceOf(Function);
    });
});
