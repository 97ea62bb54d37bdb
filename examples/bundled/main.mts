// An app that uses kaa the way an npm dependent does: `import * as kaa from
// 'kaa-gjs'` (resolved through kaa's package.json `exports`), type-checked against
// kaa's declarations (dist/types) and bundled by esbuild into one file that
// gjs runs:
//
//   npm run build                      # kaa itself: dist/kaa.js, dist/types/
//   node examples/bundled/build.mjs    # tsc --noEmit, then esbuild -> build/examples/bundled/main.js
//   gjs -m build/examples/bundled/main.js
//
// In your own app, `npm install kaa-gjs` and the same two steps apply (see
// build.mjs for the esbuild options GJS 1.74 needs). The file is `.mts`
// only so that kaa's own typecheck, which runs before kaa is built, skips it.
import system from 'system';
import * as kaa from 'kaa-gjs';

/** A typed signal map: TypeScript checks every connect() and emit(). */
const bus = new kaa.Signals<{ progress: [done: number, total: number]; finished: [summary: string] }>('progress', 'finished');
bus.progress.connect((done, total) => print(`progress ${done}/${total}`));
bus.finished.connect(summary => print(summary));

/**
 * Runs in a worker process: kaa finds kaa-worker.js next to this bundle
 * (build.mjs copies it there from kaa's package).
 */
const double = kaa.threaded()((n: number) => n * 2);

/** A coroutine with a typed result: `yield* kaa.resultOf(ip)` waits for an InProgress and has its type. */
const work = kaa.coroutine(function* (steps: number) {
    for (let i = 1; i <= steps; i++) {
        yield kaa.delay(0.05);
        bus.progress.emit(i, steps);
    }
    const doubled = yield* kaa.resultOf(double(steps)); // a number: no annotation, no cast
    return doubled;
});

work(3).connectBoth(result => {
    bus.finished.emit(`bundled app done: ${result}`);
    kaa.main.stop();
}, error => {
    logError(error);
    throw new kaa.SystemExit(1);
});
system.exit(kaa.main.run());
