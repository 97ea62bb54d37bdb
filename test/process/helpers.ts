// Shared helpers of the Process specs (not a spec file).
import GLib from 'gi://GLib';
import { main } from '../../src/notifier/loop.js';
import type { InProgress } from '../../src/async/index.js';
import type { Process } from '../../src/process/index.js';

const decoder = new TextDecoder();

/** True while `pid` is a live process (not gone, not a zombie). */
export function alive(pid: number): boolean {
    try {
        const [, data] = GLib.file_get_contents(`/proc/${pid}/stat`);
        return !decoder.decode(data).split(') ')[1].startsWith('Z');
    } catch {
        return false;
    }
}

/** A fresh temporary directory. */
export function tmpdir(): string {
    return GLib.dir_make_tmp('kaa-process-XXXXXX');
}

/** Collects the `readline` emissions of a process. */
export function lines(proc: Process): [string, string][] {
    const seen: [string, string][] = [];
    proc.signals.readline.connect((line, stream) => void seen.push([line, stream]));
    return seen;
}

/** Waits for `ip` and for the process's `finished` (exit and both streams at their end). */
export function finish(proc: Process, ip: InProgress<number>, timeout = 10): number {
    let done = false;
    const mark = () => void (done = true);
    proc.signals.finished.connect(mark);
    const code = ip.wait(timeout);
    main.loop(() => !done, timeout);
    proc.signals.finished.disconnect(mark);
    expect(done).withContext('finished was emitted').toBeTrue();
    return code;
}
