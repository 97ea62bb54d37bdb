// Bad input: every public constructor and method of src/index.ts fed
// invalid values (wrong types, NaN, negative sizes, closed fds, bad
// addresses, impossible states). Each case must throw at once — or return an
// InProgress that fails — with a message that names the argument or the
// value received; afterwards the loop still runs timers and deferred calls.
// One table, one spec; the number of cases is in the spec's name and printed.
import GLib from 'gi://GLib';
import * as kaa from '../../src/index.js';
import { boundsAndOptionsCases } from './bad-input-bounds.js';
import { coreCases, type Case } from './bad-input-cases.js';
import { netCases, useWorkerPool } from './bad-input-net.js';
import { report } from './helpers.js';

const cases: Case[] = [...coreCases, ...netCases, ...boundsAndOptionsCases];

/** What one case did: '' when it failed properly, else what was wrong. */
function check(k: Case): string {
    let value: unknown;
    try {
        value = k.run();
    } catch (error) {
        return judge(k, error);
    }
    if (value instanceof kaa.InProgress) {
        try {
            value.wait(10);
        } catch (error) {
            return judge(k, error);
        }
        return `${k.call}: its InProgress finished with ${String(value.result)} instead of failing`;
    }
    return `${k.call}: accepted silently (returned ${String(value)})`;
}

function judge(k: Case, error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    if (!(error instanceof Error))
        return `${k.call}: threw a non-Error: ${message}`;
    if (error instanceof kaa.TimeoutException)
        return `${k.call}: its InProgress did not fail within 10 s`;
    if (GLib.getenv('KAA_SHOW_MESSAGES'))
        print(`${k.call}  →  ${error.name}: ${message}`);
    if (!k.mentions.some(m => message.includes(m)))
        return `${k.call}: the message does not name ${k.mentions.join(' or ')}: "${message}"`;
    return '';
}

describe('bad input', () => {
    it(`is refused with a message naming the argument, in all ${cases.length} cases, and the loop runs on`, () => {
        const workerPool = new kaa.ThreadPool({ size: 1 });
        useWorkerPool(workerPool);
        const named = kaa.registerThreadPool('kaa-bad-input', new kaa.ThreadPool({ size: 1 }));
        const problems: string[] = [];
        const exceptions: unknown[] = [];
        const handler = kaa.signals.exception.connect((e: unknown) => {
            exceptions.push(e);
            return false;
        });
        try {
            for (const k of cases) {
                const problem = check(k);
                if (problem)
                    problems.push(problem);
            }
        } finally {
            kaa.signals.exception.disconnect(handler);
            workerPool.stop().wait(10);
            named.stop().wait(10);
        }
        report(`bad input: ${cases.length} cases tried, ${problems.length} problems`);
        for (const p of problems)
            report(`bad input problem: ${p}`);
        expect(problems).toEqual([]);
        expect(exceptions).withContext('nothing escaped to kaa.signals.exception').toEqual([]);

        // The loop keeps running: a timer, a deferred emission and a GLib source all go through.
        let fired = 0;
        const timer = new kaa.Timer(() => ++fired < 3);
        timer.start(0.005);
        const signal = new kaa.Signal<[number]>();
        signal.emitDeferred(7);
        let emitted = 0;
        signal.connect(n => {
            emitted = n;
        });
        kaa.main.loop(() => timer.active, 5);
        expect(fired).toBe(3);
        expect(emitted).toBe(7);
        expect(kaa.main.isRunning()).toBeFalse();
    }, 60000);
});
