// inprogress() (src/async/adapt.ts): InProgress, Promises, Signals, Gio
// async/finish pairs with abort() cancelling them, and delay().
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { main } from '../../src/notifier/loop.js';
import { InProgressAborted } from '../../src/notifier/errors.js';
import { Signal } from '../../src/notifier/signals.js';
import { InProgress, delay, inprogress } from '../../src/async/index.js';

describe('inprogress()', () => {
    it('returns an InProgress as it is', () => {
        const ip = new InProgress<number>();
        expect(inprogress(ip)).toBe(ip);
    });

    it('follows a Promise, resolved or rejected', () => {
        expect(inprogress(Promise.resolve(3)).wait(1)).toBe(3);
        const failed = inprogress(Promise.reject(new Error('rejected')));
        expect(() => failed.wait(1)).toThrowError('rejected');
    });

    it('follows any thenable', () => {
        const thenable = { then: (ok: (v: string) => void) => ok('custom') } as unknown as PromiseLike<string>;
        expect(inprogress(thenable).wait(1)).toBe('custom');
    });

    it("gives a Signal's next emission: one argument, several as an array, none as undefined", () => {
        const one = new Signal<[string]>();
        const two = new Signal<[string, number]>();
        const none = new Signal<[]>();
        const a = inprogress(one), b = inprogress(two), c = inprogress(none);
        one.emit('x');
        two.emit('y', 2);
        none.emit();
        expect(a.result).toBe('x');
        expect(b.result).toEqual(['y', 2]);
        expect(c.finished).toBeTrue();
        expect(c.result).toBeUndefined();
        expect(one.count).toBe(0);
    });

    it('disconnects from the Signal when the InProgress is aborted', () => {
        const signal = new Signal<[string]>();
        const ip = signal.inprogress();
        expect(signal.count).toBe(1);
        ip.abort();
        expect(signal.count).toBe(0);
    });

    it('gives the InProgress an InProgressAborted belongs to', () => {
        const ip = new InProgress();
        ip.abort();
        expect(inprogress(ip.exception as InProgressAborted)).toBe(ip);
    });

    it('refuses anything else with a TypeError naming it', () => {
        expect(() => inprogress(42 as unknown as Promise<number>)).toThrowError(TypeError, /got 42/);
    });

    describe('with a Gio async/finish pair', () => {
        const path = GLib.build_filenamev([GLib.get_tmp_dir(), `kaa-adapt-${GLib.getenv('USER') ?? 'u'}-${Date.now()}.txt`]);

        beforeAll(() => {
            GLib.file_set_contents(path, 'hello from gio\n');
        });

        afterAll(() => {
            GLib.unlink(path);
        });

        it('calls the async method and finishes with the shifted finish result', () => {
            const file = Gio.File.new_for_path(path);
            const ip = inprogress(file, 'load_contents_async', 'load_contents_finish');
            const [contents] = ip.wait(5) as [Uint8Array, string | null];
            expect(new TextDecoder().decode(contents)).toBe('hello from gio\n');
        });

        it('passes the arguments before the cancellable', () => {
            const stream = Gio.File.new_for_path(path).read(null);
            const bytes = inprogress(stream, 'read_bytes_async', 'read_bytes_finish', 5, GLib.PRIORITY_DEFAULT).wait(5);
            expect(new TextDecoder().decode((bytes as GLib.Bytes).toArray())).toBe('hello');
            stream.close(null);
        });

        it('fails with the GLib.Error of the finish method', () => {
            const file = Gio.File.new_for_path('/nonexistent/kaa/file');
            const ip = inprogress(file, 'load_contents_async', 'load_contents_finish');
            expect(() => ip.wait(5)).toThrowMatching(e => e instanceof GLib.Error && e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND));
        });

        it('cancels the operation when aborted', () => {
            // A read from a pipe nobody writes to never completes by itself.
            const proc = Gio.Subprocess.new(['sleep', '30'], Gio.SubprocessFlags.STDOUT_PIPE);
            const stream = proc.get_stdout_pipe() as Gio.InputStream;
            const ip = inprogress(stream, 'read_bytes_async', 'read_bytes_finish', 10, GLib.PRIORITY_DEFAULT);
            expect(stream.has_pending()).toBeTrue();
            delay(0.02).connect(() => ip.abort());
            expect(() => ip.wait(5)).toThrowError(InProgressAborted);
            // Gio ends the read only because it was cancelled (sleep writes nothing for 30 s).
            main.loop(() => stream.has_pending(), 2);
            expect(stream.has_pending()).toBeFalse();
            proc.force_exit();
            inprogress(proc, 'wait_async', 'wait_finish').wait(5);
        });

        it('refuses a name that is not a method', () => {
            const file = Gio.File.new_for_path(path);
            expect(() => inprogress(file, 'no_such_async' as 'load_contents_async', 'load_contents_finish'))
                .toThrowError(TypeError, /`asyncName` must name a method/);
        });
    });
});

describe('delay()', () => {
    it('finishes after the given seconds', () => {
        const start = GLib.get_monotonic_time();
        delay(0.03).wait(1);
        expect(GLib.get_monotonic_time() - start).toBeGreaterThanOrEqual(30000);
    });

    it('removes its timer when aborted', () => {
        const ip = delay(10);
        expect(main.statistics().timers).toBe(1);
        ip.abort();
        expect(main.statistics().timers).toBe(0);
        expect(ip.exception).toBeInstanceOf(InProgressAborted);
    });

    it('refuses a negative delay', () => {
        expect(() => delay(-1)).toThrowError(TypeError, /`seconds` must be a finite number >= 0 \(got -1\)/);
    });
});
