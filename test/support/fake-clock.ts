// Specs that run on kaa's fake clock: `const clock = useFakeClock()` inside a
// describe installs a fresh FakeClock (autojump by default) before each spec
// and uninstalls it after, so timer scenarios run without real sleeps.
// `waitReal()` is for the specs that step a fake clock by hand while a real
// child process works (a real process is never "ready" for autojump).
import GLib from 'gi://GLib';
import { main } from '../../src/notifier/loop.js';
import { FakeClock, type FakeClockOptions } from '../../src/notifier/fake-clock.js';

/**
 * Installs a FakeClock around every spec of the enclosing describe.
 * @returns a function giving the current spec's clock.
 */
export function useFakeClock(options: FakeClockOptions = { autojump: true }): () => FakeClock {
    let clock: FakeClock | null = null;
    beforeEach(() => {
        clock = new FakeClock(options).install();
    });
    afterEach(() => {
        clock?.uninstall();
        clock = null;
    });
    return () => {
        if (clock === null)
            throw new Error('useFakeClock(): no spec is running');
        return clock;
    };
}

/**
 * Iterates kaa's loop while `condition()` holds, for at most `seconds` of
 * real time whatever kaa's clock says (a plain GLib timeout wakes the loop
 * every 10 ms). With `follow`, that fake clock moves on by the real time
 * that passes meanwhile: for the polls of a real process, once the deadline
 * under test has been reached by hand.
 * @returns whether `condition()` stopped holding in time.
 */
export function waitReal(condition: () => boolean, seconds: number, follow: FakeClock | null = null): boolean {
    const start = GLib.get_monotonic_time();
    const end = start + seconds * 1e6;
    let last = start;
    const tick = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 10, () => GLib.SOURCE_CONTINUE);
    try {
        while (condition() && GLib.get_monotonic_time() < end) {
            if (follow !== null) {
                const t = GLib.get_monotonic_time();
                follow.advance((t - last) / 1e6);
                last = t;
            }
            main.step();
        }
    } finally {
        GLib.source_remove(tick);
    }
    return !condition();
}
