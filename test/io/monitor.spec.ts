// IOMonitor and WeakIOMonitor on the fds of pipes to a child (Gio.Subprocess).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import { main, signals } from '../../src/notifier/loop.js';
import { IOMonitor, IO_READ, IO_WRITE, WeakIOMonitor } from '../../src/io/index.js';
import { FdWatch } from '../../src/io/watch.js';
import { streamFd } from '../../src/notifier/platform.js';
import { reap } from './helpers.js';

const Destroyable = GObject.registerClass({ GTypeName: 'KaaIOMonitorSpecDestroyable', Signals: { destroy: {} } },
    class extends GObject.Object {
        calls = 0;
        onReady(): boolean {
            this.calls++;
            return true;
        }
    });

/** A child that copies stdin to stdout (`cat`), with its pipe fds. */
function cat(): { proc: Gio.Subprocess; inFd: number; outFd: number; stdin: Gio.OutputStream; stdout: Gio.InputStream } {
    const proc = Gio.Subprocess.new(['cat'], Gio.SubprocessFlags.STDIN_PIPE | Gio.SubprocessFlags.STDOUT_PIPE);
    const stdin = proc.get_stdin_pipe() as Gio.OutputStream;
    const stdout = proc.get_stdout_pipe() as Gio.InputStream;
    return { proc, inFd: streamFd(stdin), outFd: streamFd(stdout), stdin, stdout };
}

function done(c: ReturnType<typeof cat>): void {
    c.stdin.close(null);
    c.stdout.close(null);
    reap(c.proc);
}

describe('IOMonitor', () => {
    it('calls back with its bound arguments while the fd is readable, until the callback returns false', () => {
        const c = cat();
        const calls: string[] = [];
        const monitor = new IOMonitor((tag: string) => {
            calls.push(tag);
            const data = c.stdout.read_bytes(100, null).toArray();
            return !new TextDecoder().decode(data).includes('stop');
        }, 'ready');
        monitor.register(c.outFd);
        expect(monitor.active).toBeTrue();
        expect(monitor.fd).toBe(c.outFd);
        main.loop(true, 0.05);
        expect(calls).toEqual([]);
        c.stdin.write(new TextEncoder().encode('one'), null);
        main.loop(() => calls.length < 1, 5);
        c.stdin.write(new TextEncoder().encode('stop'), null);
        main.loop(() => monitor.active, 5);
        expect(calls).toEqual(['ready', 'ready']);
        expect(monitor.active).toBeFalse();
        expect(monitor.fd).toBeNull();
        done(c);
    });

    it('accepts an object with fileno() and IO_WRITE, and re-registering the same fd and condition is a no-op', () => {
        const c = cat();
        let writable = 0;
        const monitor = new IOMonitor(() => {
            writable++;
            return writable < 3;
        });
        monitor.register({ fileno: () => c.inFd }, IO_WRITE);
        monitor.register(c.inFd, IO_WRITE);
        main.loop(() => monitor.active, 5);
        expect(writable).toBe(3);
        monitor.register(c.inFd, IO_WRITE);
        expect(() => monitor.register(c.outFd, IO_READ)).toThrowError(/already registered for fd/);
        expect(() => monitor.register(c.inFd, IO_READ)).toThrowError(/already registered/);
        monitor.unregister();
        monitor.unregister();
        expect(monitor.active).toBeFalse();
        done(c);
    });

    it('rejects what is not an open fd with a clear error', () => {
        const monitor = new IOMonitor(() => true);
        expect(() => monitor.register('3' as unknown as number)).toThrowError(TypeError, /"3"/);
        expect(() => monitor.register(1.5)).toThrowError(TypeError, /1\.5/);
        expect(() => monitor.register(-1)).toThrowError(TypeError, /-1/);
        expect(() => monitor.register({ fileno: () => -2 })).toThrowError(TypeError, /fileno\(\) returned -2/);
        expect(() => monitor.register(0, 4)).toThrowError(TypeError, /condition/);
        expect(() => monitor.register(4567)).toThrowError(/fd 4567 is not an open file descriptor/);
        expect(() => new IOMonitor(42 as unknown as () => void)).toThrowError(TypeError, /callback/);
        expect(monitor.active).toBeFalse();
    });

    it('unregisters and reports an Error when its fd is closed under it', () => {
        const c = cat();
        const errors: unknown[] = [];
        const handler = signals.exception.connect((e: unknown) => {
            errors.push(e);
            return false;
        });
        const monitor = new IOMonitor(() => true);
        monitor.register(c.outFd);
        c.stdout.close(null);
        main.loop(() => monitor.active, 5);
        signals.exception.disconnect(handler);
        expect(monitor.active).toBeFalse();
        expect(String(errors[0])).toMatch(/was closed while it was registered/);
        c.stdin.close(null);
        reap(c.proc);
    });
});

describe('WeakIOMonitor', () => {
    it('calls a method of its target, and unregisters when the target is destroyed', () => {
        const c = cat();
        const target = new Destroyable();
        const monitor = new WeakIOMonitor(target, 'onReady');
        monitor.register(c.inFd, IO_WRITE);
        main.loop(() => target.calls < 2, 5);
        expect(target.calls).toBeGreaterThanOrEqual(2);
        target.emit('destroy');
        expect(monitor.active).toBeFalse();
        const calls = target.calls;
        main.loop(true, 0.05);
        expect(target.calls).toBe(calls);
        done(c);
    });
});


describe('FdWatch (under IOMonitor and IOChannel)', () => {
    it('is re-armed after an iteration when its GLib source vanished without kaa removing it (a callback GJS refused)', () => {
        const c = cat();
        let n = 0;
        const watch = new FdWatch(c.inFd, GLib.IOCondition.OUT, () => {
            n++;
            return true;
        }, 'io-monitor');
        watch.start();
        main.loop(() => n < 1, 5);
        const before = main.statistics().drops;
        const id = watch.sourceId;
        GLib.source_remove(id); // what GLib does after GJS refused the callback
        const seen = n;
        main.loop(() => n < seen + 3, 5);
        expect(n).toBeGreaterThanOrEqual(seen + 3);
        expect(watch.sourceId).not.toBe(id);
        expect(main.statistics().drops).toBe(before + 1);
        watch.stop();
        expect(watch.active).toBeFalse();
        done(c);
    });
});
