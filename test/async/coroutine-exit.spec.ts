// What a callback connected to a coroutine's InProgress throws after the
// body's first yield (issue 13, item 4): a SystemExit stops the loop with
// its code, another exception goes to kaa.signals.exception — as from any
// other callback kaa dispatches. Each case in its own child gjs process.
import { runGjs } from '../support/child.js';

const prelude = `import * as kaa from KAA;
const job = kaa.coroutine(function* (fail) {
    yield kaa.delay(0.01);
    if (fail)
        throw new RangeError('job failed');
    return 5;
});
// A watchdog: without the fix run() never returns.
new kaa.OneShotTimer(() => { print('watchdog'); kaa.main.stop(); }).start(5);
`;

describe('a callback connected to a coroutine InProgress', () => {
    for (const [how, connect] of [
        ['connectBoth (result)', `job(false).connectBoth(v => { print('got ' + v); throw new kaa.SystemExit(4); }, () => undefined);`],
        ['connectBoth (failure)', `job(true).connectBoth(() => undefined, e => { print('got ' + e.message); throw new kaa.SystemExit(4); });`],
        ['connect', `job(false).connect(v => { print('got ' + v); throw new kaa.SystemExit(4); });`],
        ['signals.exception', `job(true).signals.exception.connect(e => { print('got ' + e.message); throw new kaa.SystemExit(4); });`],
    ] as const) {
        it(`stops run() with the code of a SystemExit thrown from ${how}`, async () => {
            const r = await runGjs(`${prelude}
${connect}
print('status ' + kaa.main.run());`);
            expect(r.stdout).toMatch(/^got (5|job failed)\nstatus 4\n$/);
            expect(r.status).toBe(0);
        });
    }

    it('returns 1 from run() in the README example when the job fails', async () => {
        const r = await runGjs(`${prelude}
job(true).connectBoth(v => print('result ' + v), e => { printerr(e); throw new kaa.SystemExit(1); });
const status = kaa.main.run();
print('status ' + status);
imports.system.exit(status);`);
        expect(r.stdout).toBe('status 1\n');
        expect(r.status).toBe(1);
    });

    it('emits another exception on kaa.signals.exception, and run() rethrows it when unhandled', async () => {
        const handled = await runGjs(`${prelude}
kaa.signals.exception.connect(e => { print('exception ' + e.message); kaa.main.stop(); return false; });
job(false).connect(v => { throw new TypeError('callback bug ' + v); });
print('status ' + kaa.main.run());`);
        expect(handled.stdout).toBe('exception callback bug 5\nstatus 0\n');
        const unhandled = await runGjs(`${prelude}
job(false).connect(v => { throw new TypeError('callback bug ' + v); });
try { kaa.main.run(); print('returned'); } catch (e) { print('rethrown ' + e.message); }`);
        expect(unhandled.stdout).toBe('rethrown callback bug 5\n');
    });
});
