// What the worker specs share: the worker host of this checkout, pools
// stopped after every case (the leak check counts live workers), and small
// helpers to look at processes.
import GLib from 'gi://GLib';
import { setWorkerHost } from '../../src/workers/locate.js';
import { stopAllPools } from '../../src/workers/pool.js';

/** The repository root (set by the runner). */
export const ROOT = GLib.getenv('KAA_ROOT') ?? GLib.get_current_dir();

// The spec bundle lives in build/test/: the host is the one npm test built.
setWorkerHost(`${ROOT}/dist/kaa-worker.js`);

/** Stops every pool and waits until their workers are reaped. */
export function stopWorkers(): Promise<unknown> {
    return stopAllPools();
}

/** This process's id. */
export function ownPid(): number {
    return Number(GLib.file_read_link('/proc/self'));
}

/** Whether a process with this id exists (and is not a zombie). */
export function processAlive(pid: number): boolean {
    try {
        const [, stat] = GLib.file_get_contents(`/proc/${pid}/stat`);
        return !/\) Z /.test(new TextDecoder().decode(stat));
    } catch {
        return false;
    }
}
