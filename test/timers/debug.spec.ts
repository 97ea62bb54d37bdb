// Debug mode and timers (src/notifier/debug.ts, src/timers/): with
// KAA_DEBUG / setDebug(true) a timer records where it was made and prints
// it when its callback throws; with debug mode off it records nothing.
// Every spec runs on kaa's fake clock with autojump (no real sleeps).
import { main, signals } from '../../src/notifier/loop.js';
import { isDebug, setDebug } from '../../src/notifier/debug.js';
import { AtTimer, OneShotTimer, Timer } from '../../src/timers.js';
import { useFakeClock } from '../support/fake-clock.js';

const EVERY_SECOND = Array.from({ length: 60 }, (_, i) => i);

/** Runs `start()` (which starts a throwing timer), loops until its exception arrives, and returns what was printed. */
function printedWhenItThrows(debug: boolean, start: () => { active: boolean }): string[] {
    const printed: string[] = [];
    spyOn(globalThis, 'printerr').and.callFake((...args: unknown[]) => void printed.push(args.join(' ')));
    const errors: unknown[] = [];
    const handler = signals.exception.connect((error: unknown) => {
        errors.push(error);
        return false;
    });
    const was = isDebug();
    setDebug(debug);
    try {
        const timer = start();
        main.loop(() => errors.length === 0, 5);
        expect(timer.active).toBeFalse();
    } finally {
        setDebug(was);
        signals.exception.disconnect(handler);
    }
    expect(errors.length).toBe(1);
    return printed;
}

function makeFailingTimer(): Timer {
    const timer = new OneShotTimer(() => {
        throw new Error('boom');
    });
    timer.start(0);
    return timer;
}

function makeFailingAtTimer(): AtTimer {
    const timer = new AtTimer(() => {
        throw new Error('at boom');
    });
    timer.start({ seconds: EVERY_SECOND });
    return timer;
}

describe('debug mode and timers', () => {
    useFakeClock();

    it('a timer made in debug mode prints where it was made when its callback throws', () => {
        const printed = printedWhenItThrows(true, makeFailingTimer);
        expect(printed.length).toBe(1);
        expect(printed[0]).toMatch(/^kaa: the timer whose callback threw was created at:\n/);
        expect(printed[0]).toContain('makeFailingTimer');
    });

    it('an AtTimer made in debug mode prints where it was made when its callback throws', () => {
        const printed = printedWhenItThrows(true, makeFailingAtTimer);
        expect(printed.length).toBe(1);
        expect(printed[0]).toMatch(/^kaa: the AtTimer whose callback threw was created at:\n/);
        expect(printed[0]).toContain('makeFailingAtTimer');
    });

    it('prints nothing with debug mode off', () => {
        expect(printedWhenItThrows(false, makeFailingTimer)).toEqual([]);
    });

    it('a periodic Timer records its stack as well', () => {
        const printed = printedWhenItThrows(true, function makePeriodic() {
            const timer = new Timer(() => {
                throw new Error('tick boom');
            });
            timer.start(0.01);
            return timer;
        });
        expect(printed.length).toBe(1);
        expect(printed[0]).toContain('makePeriodic');
    });
});
