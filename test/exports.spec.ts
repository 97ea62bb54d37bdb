// The public API is what src/index.ts names; this spec pins it, so an export
// is never added or lost by accident (change the list on purpose, with the docs).
import * as kaa from '../src/index.js';

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
});
