// Soak: the same small piece of work repeated a million times must not grow
// the process: RSS after a forced GC ends within 10 % of its value after
// warm-up (see soak-support.ts for how it is read).
import { main } from '../../src/notifier/loop.js';
import { Signal } from '../../src/notifier/signals.js';
import { OneShotTimer, Timer } from '../../src/timers.js';
import { expectBounded, soak } from './soak-support.js';

describe('soak', () => {
    it('1,000,000 timer start/stop cycles (every 1000th fires) keep RSS within 10 % of its warm-up value', () => {
        let fired = 0;
        const callback = () => {
            fired++;
        };
        const keep = new Timer(callback);
        const r = soak(1_000_000, 50_000, i => {
            const t = i % 2 ? new Timer(callback) : new OneShotTimer(callback);
            t.start(i % 1000 === 0 ? 0 : 10 + (i % 7));
            if (i % 1000 !== 0)
                t.stop();
            keep.start(i % 3);
            keep.stop();
        });
        expectBounded('timers', r);
        expect(fired).toBe(1000);
        expect(main.statistics().timers).toBe(0);
    }, 60000);

    it('100,000 signal connect/emit/disconnect cycles keep RSS within 10 % of its warm-up value', () => {
        const signal = new Signal<[number]>();
        const target = { sum: 0, add(n: number) {
            this.sum += n;
        } };
        let sum = 0;
        const r = soak(100_000, 10_000, i => {
            const handler = (n: number) => {
                sum += n;
            };
            signal.connect(handler);
            const once = signal.connectOnce(() => undefined);
            signal.connectWeak(target, 'add');
            signal.emit(1);
            signal.disconnect(handler);
            signal.disconnect(once);
            signal.disconnectWeak(target);
            if (i % 100 === 0)
                signal.emitDeferred(0);
        });
        expectBounded('signals', r);
        expect(sum).toBe(100_000);
        expect(target.sum).toBe(100_000);
        expect(signal.count).toBe(0);
    }, 60000);
});
