// The injectable clock and the specs' FakeClock (src/notifier/fake-clock.ts).
import { isClockInjected, now, wallNow } from '../../src/notifier/clock.js';
import { FakeClock } from '../../src/notifier/fake-clock.js';
import { main } from '../../src/notifier/loop.js';
import { scheduler } from '../../src/notifier/scheduler.js';
import { OneShotTimer, Timer } from '../../src/timers.js';

describe('FakeClock', () => {
    let clock: FakeClock;

    afterEach(() => clock?.uninstall());

    it('stands still until advanced, and then moves both clocks by exactly that much', () => {
        clock = new FakeClock({ start: 1000, wall: Date.UTC(2026, 0, 1) }).install();
        expect(isClockInjected()).toBeTrue();
        expect(now()).toBe(1000);
        expect(wallNow()).toBe(Date.UTC(2026, 0, 1));
        clock.advance(1.5);
        expect(now()).toBe(1001.5);
        expect(wallNow()).toBe(Date.UTC(2026, 0, 1) + 1500);
        clock.uninstall();
        expect(isClockInjected()).toBeFalse();
    });

    it('fires a timer once advanced past its deadline, never before, at the fake time', () => {
        clock = new FakeClock({ start: 50 }).install();
        const fired: number[] = [];
        const timer = new OneShotTimer(() => fired.push(now()));
        timer.start(0.25);
        expect(main.statistics().sources).toEqual({});
        clock.advance(0.2);
        main.loop(true, 0); // one look: nothing is due
        expect(fired).toEqual([]);
        clock.advance(0.05);
        main.loop(() => fired.length === 0, 1);
        expect(fired).toEqual([50.25]);
    });

    it('with autojump runs a periodic timer through fake time at once, on its exact deadlines', () => {
        clock = new FakeClock({ start: 10, autojump: true }).install();
        const times: number[] = [];
        const timer = new Timer(() => {
            times.push(now());
            return times.length < 5;
        });
        timer.start(60);
        main.loop(() => timer.active, 3600);
        expect(times).toEqual([70, 130, 190, 250, 310]);
        expect(now()).toBe(310);
    });

    it('makes main.loop()\'s timeout fake too: an autojump reaches it instead of hanging', () => {
        clock = new FakeClock({ start: 0, autojump: true }).install();
        main.loop(() => true, 30);
        expect(now()).toBe(30);
    });

    it('fires deadlines beyond the wheel (the heap) and in it in deadline order, equal ones in start order', () => {
        clock = new FakeClock({ start: 5, autojump: true }).install();
        const order: string[] = [];
        const delays = [3, 0.5, 1.2, 0.0005, 10, 1.2, 2.047, 0.5];
        delays.forEach((d, i) => new OneShotTimer(() => order.push(`${d}#${i}`)).start(d));
        main.loop(() => order.length < delays.length, 60);
        expect(order).toEqual(['0.0005#3', '0.5#1', '0.5#7', '1.2#2', '1.2#5', '2.047#6', '3#0', '10#4']);
    });

    it('steps the wall clock alone with setWall()', () => {
        clock = new FakeClock({ start: 0, wall: 0 }).install();
        clock.setWall(new Date('2026-03-29T00:59:00Z'));
        expect(now()).toBe(0);
        expect(new Date(wallNow()).toISOString()).toBe('2026-03-29T00:59:00.000Z');
    });

    it('refuses to install over another clock or with timers scheduled on the system clock', () => {
        clock = new FakeClock().install();
        expect(() => new FakeClock().install()).toThrowError(/another clock is installed/);
        clock.uninstall();
        const timer = new OneShotTimer(() => undefined);
        timer.start(10);
        try {
            expect(() => new FakeClock().install()).toThrowError(/timers are scheduled/);
        } finally {
            timer.stop();
        }
        expect(scheduler.size).toBe(0);
    });

    it('rejects a negative or non-finite advance with a TypeError naming it', () => {
        clock = new FakeClock().install();
        expect(() => clock.advance(-1)).toThrowError(TypeError, /`seconds` must be >= 0.*got -1/);
        expect(() => clock.advance(NaN)).toThrowError(TypeError, '`seconds` must be a finite number (got NaN)');
    });
});
