// Signal and Signals (src/notifier/signal.ts, signals.ts): connection order,
// once, re-entrancy, weak connections, deferred emissions, the changed hook,
// the async layer's inprogress() hooks, error messages and typing.
import GObject from 'gi://GObject';
import { Callable, WeakCallable } from '../../src/notifier/callable.js';
import { CallableError, SystemExit } from '../../src/notifier/errors.js';
import {
    Signal, Signals, setInProgressCombinators, setInProgressFactory, type SignalInProgressHook,
} from '../../src/notifier/signals.js';

/** A GObject with a `destroy` signal, standing in for a Gtk.Widget. */
const Destroyable = GObject.registerClass({ Signals: { destroy: {} } }, class Destroyable extends GObject.Object {
    seen: string[] = [];
    onLine(line: string): void {
        this.seen.push(line);
    }
});

/** Catches what logException prints, so a logged failure can be checked and stays quiet. */
function capturePrinterr(): string[] {
    const printed: string[] = [];
    spyOn(globalThis, 'printerr').and.callFake((...args: unknown[]) => void printed.push(args.join(' ')));
    return printed;
}

describe('Signal', () => {
    let signal: Signal<[value: string]>;
    let calls: string[];
    const record = (tag: string) => (value: string, ...user: unknown[]) => void calls.push([tag, value, ...user].join(':'));

    beforeEach(() => {
        signal = new Signal<[value: string]>();
        calls = [];
    });

    it('calls its callbacks in connection order with the emitted, then the user arguments', () => {
        signal.connect(record('a'));
        signal.connect(record('b'), 1, 2);
        expect(signal.emit('x')).toBeTrue();
        expect(calls).toEqual(['a:x', 'b:x:1:2']);
    });

    it('puts a connectFirst callback before the others', () => {
        signal.connect(record('a'));
        signal.connectFirst(record('first'));
        signal.connectFirstOnce(record('very first'));
        signal.emit('x');
        signal.emit('y');
        expect(calls).toEqual(['very first:x', 'first:x', 'a:x', 'first:y', 'a:y']);
    });

    it('returns false from emit if any callback returned false, after calling them all', () => {
        signal.connect(() => false);
        signal.connect(record('after'));
        signal.connect(() => 0);
        expect(signal.emit('x')).toBeFalse();
        expect(calls).toEqual(['after:x']);
        expect(new Signal().emit()).toBeTrue();
    });

    it('removes a once-callback before calling it', () => {
        signal.connectOnce((value: string) => {
            calls.push(`once:${value}:${signal.count}`);
            signal.emit('nested');
        });
        signal.emit('x');
        signal.emit('y');
        expect(calls).toEqual(['once:x:0']);
        expect(signal.count).toBe(0);
    });

    it('skips a callback disconnected during the emission', () => {
        const b = record('b');
        signal.connect(() => void signal.disconnect(b));
        signal.connect(b);
        signal.connect(record('c'));
        signal.emit('x');
        expect(calls).toEqual(['c:x']);
        expect(signal.count).toBe(2);
    });

    it('calls a callback connected during the emission from the next emission on', () => {
        signal.connectOnce(() => void signal.connect(record('late')));
        signal.connect(record('a'));
        signal.emit('x');
        signal.emit('y');
        expect(calls).toEqual(['a:x', 'a:y', 'late:y']);
    });

    it('calls every callback once when one connects another first during the emission', () => {
        let done = false;
        signal.connect(record('a'));
        signal.connect(() => void (done || (done = true, signal.connectFirst(record('first')))));
        signal.connect(record('c'));
        signal.emit('x');
        signal.emit('y');
        expect(calls).toEqual(['a:x', 'c:x', 'first:y', 'a:y', 'c:y']);
    });

    it('lets a callback disconnect itself and the others go on', () => {
        const self = (value: string) => {
            calls.push(`self:${value}`);
            signal.disconnect(self);
        };
        signal.connect(self);
        signal.connect(record('b'));
        signal.emit('x');
        signal.emit('y');
        expect(calls).toEqual(['self:x', 'b:x', 'b:y']);
    });

    it('runs nested emissions on their own snapshots', () => {
        signal.connect((value: string) => {
            calls.push(`a:${value}`);
            if (value === 'outer')
                signal.emit('inner');
        });
        signal.connect(record('b'));
        signal.emit('outer');
        expect(calls).toEqual(['a:outer', 'a:inner', 'b:inner', 'b:outer']);
    });

    it('logs a callback\'s exception and goes on with the others', () => {
        const printed = capturePrinterr();
        signal.connect(() => {
            throw new RangeError('broken handler');
        });
        signal.connect(record('b'));
        expect(signal.emit('x')).toBeTrue();
        expect(calls).toEqual(['b:x']);
        expect(printed.length).toBe(1);
        expect(printed[0]).toContain('a callback connected to a Signal threw: RangeError: broken handler');
    });

    it('lets a SystemExit through and stops the emission there', () => {
        signal.connect(() => {
            throw new SystemExit(4);
        });
        signal.connect(record('b'));
        expect(() => signal.emit('x')).toThrow(jasmine.objectContaining({ name: 'SystemExit', code: 4 }));
        expect(calls).toEqual([]);
        signal.disconnectAll();
        signal.connect(record('c'));
        signal.emit('y');
        expect(calls).toEqual(['c:y']);
    });

    it('disconnects by the function passed to connect, or by the Callable it returned', () => {
        const a = record('a');
        const callable = signal.connect(record('b'));
        signal.connect(a);
        signal.connect(a, 'again');
        expect(callable).toBeInstanceOf(Callable);
        expect(signal.disconnect(a)).toBeTrue();
        expect(signal.disconnect(a)).toBeFalse();
        expect(signal.disconnect(callable)).toBeTrue();
        expect(signal.count).toBe(0);
    });

    it('cuts everything with disconnectAll', () => {
        signal.connect(record('a'));
        signal.connectOnce(record('b'));
        signal.disconnectAll();
        expect(signal.count).toBe(0);
        expect(signal.emit('x')).toBeTrue();
        expect(calls).toEqual([]);
    });

    it('counts connections and iterates over their Callables in call order', () => {
        const a = signal.connect(record('a'));
        const first = signal.connectFirst(record('first'));
        expect(signal.count).toBe(2);
        expect([...signal]).toEqual([first, a]);
        [...signal][1]('direct');
        expect(calls).toEqual(['a:direct']);
    });

    it('uses a Callable passed to connect as it is, with its settings', () => {
        const c = new Callable(record('c'), 'bound');
        c.ignoreCallerArgs = true;
        expect(signal.connect(c)).toBe(c);
        signal.emit('x');
        expect(calls).toEqual(['c:bound']);
    });

    it('applies settings changed on the Callable it returned', () => {
        const returned = signal.connect(record('a'));
        returned.ignoreCallerArgs = true;
        signal.emit('x');
        const withArgs = signal.connect(record('b'), 'u');
        withArgs.initArgsFirst = true;
        returned.ignoreCallerArgs = false;
        signal.emit('y');
        expect(calls).toEqual(['a:', 'a:y', 'b:u:y']);
    });

    it('rejects a callback that is not a function, naming the value', () => {
        const connect = (cb: unknown) => () => signal.connect(cb as () => void);
        expect(connect(42)).toThrowError(TypeError, '`callback` must be a function (got 42)');
        expect(connect('abc')).toThrowError(TypeError, '`callback` must be a function (got "abc")');
        expect(() => signal.connectOnce(undefined as unknown as () => void))
            .toThrowError(TypeError, '`callback` must be a function (got undefined)');
        expect(() => new Signal(5 as never)).toThrowError(TypeError, '`changed` must be a function (got 5)');
        expect(signal.count).toBe(0);
    });

    describe('changed hook', () => {
        it('is told about each connection and disconnection', () => {
            const changed = jasmine.createSpy('changed');
            const s = new Signal<[number]>(changed);
            const cb = () => 1;
            s.connect(cb);
            s.connectOnce(() => 2);
            s.emit(1);
            s.disconnect(cb);
            expect(changed.calls.allArgs()).toEqual([[s, 'connected'], [s, 'connected'], [s, 'disconnected'], [s, 'disconnected']]);
        });

        it('is told once by disconnectAll, and only if something was connected', () => {
            const changed = jasmine.createSpy('changed');
            signal.disconnectAll();
            signal.changed = changed;
            signal.disconnectAll();
            signal.connect(record('a'));
            signal.connect(record('b'));
            signal.disconnectAll();
            expect(changed.calls.allArgs().map(a => a[1])).toEqual(['connected', 'connected', 'disconnected']);
        });

        it('can be replaced and removed, and its exceptions are logged', () => {
            const printed = capturePrinterr();
            signal.changed = () => {
                throw new Error('hook broke');
            };
            signal.connect(record('a'));
            expect(printed[0]).toContain('the changed hook of a Signal threw (connected): Error: hook broke');
            signal.changed = null;
            signal.connect(record('b'));
            expect(printed.length).toBe(1);
            expect(signal.count).toBe(2);
        });
    });

    describe('emitDeferred and emitWhenHandled', () => {
        it('emit at once when a callback is connected', () => {
            signal.connect(record('a'));
            signal.emitDeferred('x');
            signal.emitWhenHandled('y');
            expect(calls).toEqual(['a:x', 'a:y']);
        });

        it('queue emissions until the next callback connects, then emit them in order', () => {
            signal.emitDeferred('x');
            signal.emitWhenHandled('y');
            expect(calls).toEqual([]);
            signal.connect(record('a'));
            expect(calls).toEqual(['a:x', 'a:y']);
            signal.connect(record('b'));
            expect(calls).toEqual(['a:x', 'a:y']);
        });

        it('keep what a once-callback did not take for the next connection', () => {
            signal.emitDeferred('x');
            signal.emitDeferred('y');
            signal.connectOnce(record('once'));
            expect(calls).toEqual(['once:x']);
            signal.connect(record('a'));
            expect(calls).toEqual(['once:x', 'a:y']);
        });
    });

    describe('weak connections', () => {
        it('call a method by name or a function with this = target', () => {
            const target = new Destroyable();
            const s = new Signal<[line: string]>();
            s.connectWeak(target, 'onLine');
            s.connectWeak(target, function (line: string, suffix: string) {
                this.onLine(line + suffix);
            }, '!');
            s.emit('hi');
            expect(target.seen).toEqual(['hi', 'hi!']);
        });

        it('return a WeakCallable and keep their order and once-ness', () => {
            const target = new Destroyable();
            const s = new Signal<[line: string]>();
            expect(s.connectWeak(target, 'onLine')).toBeInstanceOf(WeakCallable);
            s.connectWeakFirst(target, line => target.onLine(`first ${line}`));
            s.connectWeakFirstOnce(target, line => target.onLine(`first once ${line}`));
            s.connectWeakOnce(target, line => target.onLine(`once ${line}`));
            s.emit('a');
            s.emit('b');
            expect(target.seen).toEqual(['first once a', 'first a', 'a', 'once a', 'first b', 'b']);
        });

        it('are all cut by disconnectWeak(target), and only those', () => {
            const target = new Destroyable(), other = new Destroyable();
            const changed = jasmine.createSpy('changed');
            signal.connectWeak(target, 'onLine');
            signal.connectWeakOnce(target, 'onLine');
            signal.connectWeak(other, 'onLine');
            signal.connect(record('strong'));
            signal.changed = changed;
            expect(signal.disconnectWeak(target)).toBeTrue();
            expect(signal.disconnectWeak(target)).toBeFalse();
            expect(changed).toHaveBeenCalledOnceWith(signal, 'disconnected');
            signal.emit('x');
            expect(target.seen).toEqual([]);
            expect(other.seen).toEqual(['x']);
            expect(calls).toEqual(['strong:x']);
        });

        it('drop when the GObject target is destroyed', () => {
            const target = new Destroyable();
            const changed = jasmine.createSpy('changed');
            const weak = signal.connectWeak(target, 'onLine');
            signal.changed = changed;
            target.emit('destroy');
            expect(weak.alive).toBeFalse();
            expect(signal.count).toBe(0);
            expect(changed).toHaveBeenCalledOnceWith(signal, 'disconnected');
            expect(signal.emit('x')).toBeTrue();
            expect(target.seen).toEqual([]);
        });

        it('drop when their WeakCallable is killed, and release the target when cut', () => {
            const target = new Destroyable();
            signal.connectWeak(target, 'onLine').kill();
            expect(signal.count).toBe(0);
            const weak = signal.connectWeak(target, 'onLine');
            signal.disconnect(weak);
            expect(weak.alive).toBeFalse();
            const id = GObject.signal_lookup('destroy', Destroyable.$gtype);
            expect(GObject.signal_has_handler_pending(target, id, 0, false)).toBeFalse();
        });

        it('skip a dead WeakCallable passed to connect, and drop it', () => {
            const target = new Destroyable();
            const weak = new WeakCallable(target, 'onLine');
            signal.connect(weak);
            weak.kill();
            expect(signal.count).toBe(0);
            expect(() => signal.emit('x')).not.toThrowError(CallableError);
            expect([...signal]).toEqual([]);
        });

        it('reject a target or method that is not usable', () => {
            expect(() => signal.connectWeak(null as unknown as object, () => 1))
                .toThrowError(TypeError, '`target` must be an object (got null)');
            expect(() => signal.connectWeak(new Destroyable(), 'nope' as never)).toThrowError(TypeError, /\(got "nope"\)/);
            expect(signal.count).toBe(0);
        });
    });

    describe('inprogress()', () => {
        afterEach(() => setInProgressFactory(null));

        it('throws while the async layer is not loaded', () => {
            expect(() => signal.inprogress()).toThrowError(Error, /needs kaa's async layer \(src\/async\/\), which is not loaded/);
        });

        it('hands the registered factory a hook that finishes on the next emission only', () => {
            const seen: unknown[] = [];
            let hook: SignalInProgressHook | undefined;
            const ip = Promise.resolve();
            setInProgressFactory(h => {
                hook = h;
                h.once(v => seen.push(v));
                return ip;
            });
            expect<unknown>(signal.inprogress()).toBe(ip);
            expect(hook?.signal).toBe(signal);
            expect(signal.count).toBe(1);
            signal.emit('one');
            signal.emit('two');
            expect(seen).toEqual(['one']);
            expect(signal.count).toBe(0);
        });

        it('maps one argument to itself, several to an array and none to undefined', () => {
            const seen: unknown[] = [];
            setInProgressFactory(h => (h.once(v => seen.push(v)), Promise.resolve()));
            const none = new Signal<[]>(), two = new Signal<[string, number]>();
            signal.inprogress();
            none.inprogress();
            two.inprogress();
            signal.emit('a');
            none.emit();
            two.emit('b', 2);
            expect(seen).toEqual(['a', undefined, ['b', 2]]);
        });

        it('gives the factory a way to cut the connection (for abort)', () => {
            const seen: unknown[] = [];
            setInProgressFactory(h => {
                const cut = h.once(v => seen.push(v));
                cut();
                return Promise.resolve();
            });
            signal.inprogress();
            expect(signal.count).toBe(0);
            signal.emit('x');
            expect(seen).toEqual([]);
        });

        it('refuses a factory that is not a function', () => {
            expect(() => setInProgressFactory(3 as never)).toThrowError(TypeError, '`factory` must be a function (got 3)');
        });
    });

    it('types its callbacks by the signal\'s arguments', () => {
        const typeChecks = (s: Signal<[line: string]>, t: InstanceType<typeof Destroyable>) => {
            s.connect((line: string) => line.length);
            s.connect((line: string, n: number) => line.length + n, 5);
            s.connect(() => 0);
            // @ts-expect-error a handler of the wrong type
            s.connect((line: number) => line);
            // @ts-expect-error a user argument is missing
            s.connect((line: string, n: number) => line.length + n);
            // @ts-expect-error a user argument of the wrong type
            s.connect((line: string, n: number) => line.length + n, 'five');
            // @ts-expect-error an emission of the wrong type
            s.emit(5);
            s.connectWeak(t, 'onLine');
            // @ts-expect-error not a method of the target
            s.connectWeak(t, 'seen');
            const any: Signal<unknown[]> = s;
            const value: PromiseLike<string> = s.inprogress();
            return [any, value];
        };
        expect(typeChecks).toBeInstanceOf(Function);
    });
});

describe('Signals', () => {
    afterEach(() => setInProgressCombinators(null));

    it('makes one typed Signal per name', () => {
        const signals = new Signals<{ read: [data: Uint8Array]; closed: [expected: boolean] }>('read', 'closed');
        expect(signals).toBeInstanceOf(Signals);
        expect(signals.read).toBeInstanceOf(Signal);
        expect<unknown>(signals.read).not.toBe(signals.closed);
        let got = -1;
        signals.read.connect(data => void (got = data.length));
        signals.read.emit(new Uint8Array(3));
        expect(got).toBe(3);
        expect(signals.keys()).toEqual(['read', 'closed']);
        expect(signals.values()).toEqual([signals.read, signals.closed]);
        expect(signals.get('closed')).toBe(signals.closed);
        expect([...signals]).toEqual([['read', signals.read], ['closed', signals.closed]]);
        expect(Object.keys(signals)).toEqual(['read', 'closed']);
    });

    it('takes existing Signals from an object or from another Signals', () => {
        const done = new Signal<[]>();
        const base = new Signals('a');
        const merged = new Signals<{ done: []; a: unknown[]; b: [] }>({ done }, base, 'b');
        expect(merged.done).toBe(done);
        expect(merged.a).toBe(base.a);
        expect(merged.keys()).toEqual(['done', 'a', 'b']);
    });

    it('rejects a duplicate name, a method name and an unusable item', () => {
        expect(() => new Signals('a', 'a')).toThrowError(TypeError, 'signal `a` is given twice');
        expect(() => new Signals('any')).toThrowError(TypeError, '`any` cannot be a signal name: it is a method of Signals');
        expect(() => new Signals('toString')).toThrowError(TypeError, /`toString` cannot be a signal name/);
        expect(() => new Signals(3 as never)).toThrowError(TypeError, /\(got 3\)/);
        expect(() => new Signals({ x: 1 } as never)).toThrowError(TypeError, 'signal `x` must be a Signal (got 1)');
    });

    it('builds any() and all() with the combinators the async layer registers', () => {
        const signals = new Signals<{ a: []; b: [number] }>('a', 'b');
        expect(() => signals.any()).toThrowError(Error, /Signals\.any\(\) needs kaa's async layer/);
        expect(() => signals.all()).toThrowError(Error, /Signals\.all\(\) needs kaa's async layer/);
        const result = Promise.resolve();
        const any = jasmine.createSpy('any').and.returnValue(result);
        const all = jasmine.createSpy('all').and.returnValue(result);
        setInProgressCombinators({ any, all });
        expect<unknown>(signals.any({ finish: 1 })).toBe(result);
        expect<unknown>(signals.all()).toBe(result);
        expect(any).toHaveBeenCalledOnceWith([signals.a, signals.b], { finish: 1 });
        expect(all).toHaveBeenCalledOnceWith([signals.a, signals.b], undefined);
    });

    it('types each signal by the map', () => {
        const typeChecks = (signals: Signals<{ read: [Uint8Array]; closed: [boolean] }>) => {
            signals.read.connect((d: Uint8Array) => d.length);
            // @ts-expect-error closed carries a boolean
            signals.closed.connect((d: Uint8Array) => d.length);
            // @ts-expect-error no such signal
            return signals.nope;
        };
        expect(typeChecks).toBeInstanceOf(Function);
    });
});
