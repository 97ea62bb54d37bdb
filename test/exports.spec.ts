// The public API is what src/index.ts names; this spec pins it, so an export
// is never added or lost by accident (change the list on purpose, with the docs).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import * as kaa from '../src/index.js';

const ROOT = GLib.getenv('KAA_ROOT') ?? GLib.get_current_dir();

const expected = [
    'AtTimer', 'Callable', 'CallableError', 'CoroutineInProgress', 'FINISH_IDX', 'FINISH_IDX_RESULT',
    'FINISH_RESULT', 'FINISH_SELF', 'GOBJECT', 'IOChannel', 'IOMonitor', 'IO_READ', 'IO_WRITE', 'InProgress',
    'InProgressAborted', 'InProgressAll', 'InProgressAny', 'InProgressStatus', 'MAINTHREAD', 'NotFinished',
    'OneShotAtTimer', 'OneShotTimer', 'POLICY_MANY', 'POLICY_ONCE', 'POLICY_PASS_LAST', 'POLICY_RESTART',
    'POLICY_SINGLETON', 'POLICY_SYNCHRONIZED', 'Process', 'Signal', 'Signals', 'Socket', 'SocketError',
    'SystemExit', 'ThreadInProgress', 'ThreadPool', 'TimeoutException', 'Timer', 'VERSION', 'WeakCallable',
    'WeakIOMonitor', 'WeakOneShotTimer', 'WeakTimer', 'WorkerError', 'callMain', 'coroutine', 'delay', 'expose',
    'getThreadPool', 'gobjectSetThreaded', 'inprogress', 'isDebug', 'isMainthread', 'main', 'nextAtTime',
    'registerThreadPool', 'resolveUri', 'resultOf', 'setDebug', 'setWorkerHost', 'signals', 'threaded', 'timed',
    'watchChild', 'workerModule',
];

describe('the public API', () => {
    it('exports exactly the pinned names', () => {
        expect(Object.keys(kaa).sort()).toEqual(expected);
    });

    it('names the DESIGN contract on kaa.main', () => {
        for (const name of ['run', 'runAsync', 'stop', 'loop', 'step', 'init', 'exit', 'isRunning',
            'isShuttingDown', 'isStopped', 'isInitialized', 'statistics'])
            expect(typeof (kaa.main as unknown as Record<string, unknown>)[name]).withContext(name).toBe('function');
        for (const name of ['init', 'exception', 'shutdown', 'step', 'exit'])
            expect(kaa.signals[name as 'init']).withContext(name).toBeInstanceOf(kaa.Signal);
    });

    it('is what the docs call: no bare any()/all(), which exist only as InProgress.any/all and signals.any/all', () => {
        const docs = Gio.File.new_for_path(`${ROOT}/docs`).enumerate_children('standard::name', Gio.FileQueryInfoFlags.NONE, null);
        const files = ['README.md'];
        for (let info = docs.next_file(null); info !== null; info = docs.next_file(null)) {
            if (info.get_name().endsWith('.md'))
                files.push(`docs/${info.get_name()}`);
        }
        docs.close(null);
        const bare: string[] = [];
        for (const file of files) {
            const text = new TextDecoder().decode(GLib.file_get_contents(`${ROOT}/${file}`)[1]);
            for (const m of text.matchAll(/(?:`|\bkaa\.)(any|all)\(/g))
                bare.push(`${file}: ${text.slice(Math.max(0, (m.index ?? 0) - 30), (m.index ?? 0) + 10).replace(/\n/g, ' ')}`);
        }
        expect(bare).toEqual([]);
        expect('any' in kaa || 'all' in kaa).toBeFalse();
    });
});
