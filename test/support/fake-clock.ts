// Specs that run on kaa's fake clock: `const clock = useFakeClock()` inside a
// describe installs a fresh FakeClock (autojump by default) before each spec
// and uninstalls it after, so timer scenarios run without real sleeps.
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
