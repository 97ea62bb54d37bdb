// watchChild (src/process/child-watch.ts): children spawned elsewhere with
// DO_NOT_REAP_CHILD are reaped through a GLib child watch, and their wait
// status is decoded into kaa's exit code.
import GLib from 'gi://GLib';
import { main } from '../../src/notifier/loop.js';
import { InProgressAborted } from '../../src/notifier/errors.js';
import { decodeWaitStatus, watchChild } from '../../src/process/child-watch.js';

function spawn(argv: string[]): number {
    const [, pid] = GLib.spawn_async(null, argv, null,
        GLib.SpawnFlags.SEARCH_PATH | GLib.SpawnFlags.DO_NOT_REAP_CHILD, null);
    return pid as number;
}

function isZombieOrGone(pid: number): boolean {
    try {
        const [, data] = GLib.file_get_contents(`/proc/${pid}/stat`);
        return new TextDecoder().decode(data).split(') ')[1].startsWith('Z');
    } catch {
        return true;
    }
}

describe('watchChild', () => {
    it('finishes with the exit status of a child that exits', () => {
        expect(watchChild(spawn(['sh', '-c', 'exit 3'])).wait(5)).toBe(3);
        expect(watchChild(spawn(['true'])).wait(5)).toBe(0);
    });

    it('finishes with minus the signal number when a signal kills the child', () => {
        const pid = spawn(['sleep', '30']);
        const ip = watchChild(pid);
        main.loop(true, 0.05);
        expect(ip.finished).toBeFalse();
        GLib.spawn_command_line_sync(`kill -KILL ${pid}`);
        expect(ip.wait(5)).toBe(-9);
        const term = spawn(['sleep', '30']);
        const ip2 = watchChild(term);
        GLib.spawn_command_line_sync(`kill -TERM ${term}`);
        expect(ip2.wait(5)).toBe(-15);
    });

    it('reaps the child: no zombie is left once it finished', () => {
        const pid = spawn(['true']);
        watchChild(pid).wait(5);
        expect(GLib.file_test(`/proc/${pid}`, GLib.FileTest.EXISTS)).toBeFalse();
    });

    it('removes its watch when aborted, and leaves the child to its owner', () => {
        const pid = spawn(['sleep', '30']);
        const ip = watchChild(pid);
        expect(main.statistics().sources['child-watch']).toBe(1);
        ip.abort();
        expect(ip.exception).toBeInstanceOf(InProgressAborted);
        expect(main.statistics().sources['child-watch']).toBeUndefined();
        GLib.spawn_command_line_sync(`kill -KILL ${pid}`);
        // nobody reaps it now but us: a fresh watch still gets its status
        expect(watchChild(pid).wait(5)).toBe(-9);
        expect(isZombieOrGone(pid)).toBeTrue();
    });

    it('rejects a pid that is not a positive integer', () => {
        expect(() => watchChild(0)).toThrowError(TypeError, /`pid` must be a positive integer \(got 0\)/);
        expect(() => watchChild(1.5)).toThrowError(TypeError);
        expect(() => watchChild('12' as unknown as number)).toThrowError(TypeError);
    });
});

describe('decodeWaitStatus', () => {
    it('decodes exit statuses and terminating signals', () => {
        expect(decodeWaitStatus(0)).toBe(0);
        expect(decodeWaitStatus(3 << 8)).toBe(3);
        expect(decodeWaitStatus(255 << 8)).toBe(255);
        expect(decodeWaitStatus(9)).toBe(-9);
        expect(decodeWaitStatus(15 | 0x80)).toBe(-15); // core dumped
    });
});
