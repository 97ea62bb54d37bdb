// AtTimer, OneShotAtTimer and nextAtTime(): wall-clock times, DST, clock changes.
import GLib from 'gi://GLib';
import { main, signals } from '../../src/notifier/loop.js';
import { now, wallNow } from '../../src/notifier/clock.js';
import { FakeClock } from '../../src/notifier/fake-clock.js';
import { scheduler } from '../../src/notifier/scheduler.js';
import { AtTimer, OneShotAtTimer, nextAtTime, type AtTimerSpec } from '../../src/timers.js';

/** Central European time as a POSIX TZ string: DST from the last Sunday of March to the last of October. */
const BERLIN = 'CET-1CEST,M3.5.0,M10.5.0/3';
const EVERY_SECOND = Array.from({ length: 60 }, (_, i) => i);

let fake: FakeClock | null = null;
afterEach(() => {
    fake?.uninstall();
    fake = null;
});

/**
 * Runs the spec on kaa's fake clock (autojump: the loop jumps to the next
 * deadline instead of sleeping), its wall clock starting at `wall` (default
 * 20 ms before a whole second). Setting `offset` steps the wall clock alone,
 * as an administrator or NTP would.
 */
function fakeWallClock(wall = Date.UTC(2026, 5, 1, 12, 0, 0) - 20): { offset: number } {
    const clock = new FakeClock({ wall, autojump: true }).install();
    fake = clock;
    let offset = 0;
    return {
        get offset() {
            return offset;
        },
        set offset(ms: number) {
            clock.setWall(wallNow() + ms - offset);
            offset = ms;
        },
    };
}

const next = (from: string, spec: AtTimerSpec) => nextAtTime(new Date(from), spec).toISOString();

describe('nextAtTime', () => {
    describe('in UTC', () => {
        const utc = (spec: AtTimerSpec): AtTimerSpec => ({ ...spec, timeZone: 'UTC' });

        it('defaults to every hour, every minute, second 0', () => {
            expect(next('2026-01-01T12:00:30Z', utc({}))).toBe('2026-01-01T12:01:00.000Z');
        });

        it('returns a time strictly after `from`, even when `from` matches', () => {
            expect(next('2026-01-01T12:30:00.000Z', utc({ minutes: 30 }))).toBe('2026-01-01T13:30:00.000Z');
            expect(next('2026-01-01T12:29:59.999Z', utc({ minutes: 30 }))).toBe('2026-01-01T12:30:00.000Z');
        });

        it('ignores the milliseconds of `from`', () => {
            expect(next('2026-01-01T12:00:00.200Z', utc({ seconds: EVERY_SECOND }))).toBe('2026-01-01T12:00:01.000Z');
        });

        it('takes arrays in any order, with duplicates', () => {
            const spec = utc({ hours: [18, 6, 6], minutes: [45, 15], seconds: [30] });
            expect(next('2026-01-01T06:20:00Z', spec)).toBe('2026-01-01T06:45:30.000Z');
            expect(next('2026-01-01T06:50:00Z', spec)).toBe('2026-01-01T18:15:30.000Z');
            expect(next('2026-01-01T18:45:30Z', spec)).toBe('2026-01-02T06:15:30.000Z');
        });

        it('rolls over the end of a day, a month and a year', () => {
            expect(next('2026-12-31T23:59:59.500Z', utc({ hours: 0, minutes: 0 }))).toBe('2027-01-01T00:00:00.000Z');
            expect(next('2026-04-30T23:00:00Z', utc({ hours: 0, minutes: 0 }))).toBe('2026-05-01T00:00:00.000Z');
        });

        it('knows leap days', () => {
            expect(next('2028-02-28T12:00:00Z', utc({ hours: 0, minutes: 0 }))).toBe('2028-02-29T00:00:00.000Z');
            expect(next('2027-02-28T12:00:00Z', utc({ hours: 0, minutes: 0 }))).toBe('2027-03-01T00:00:00.000Z');
        });
    });

    describe('across daylight saving time (Central Europe)', () => {
        const berlin = (spec: AtTimerSpec): AtTimerSpec => ({ ...spec, timeZone: BERLIN });

        it('goes from 01:59 straight to 03:00 when DST begins (one real minute later)', () => {
            // 01:59:30 CET = 00:59:30 UTC; 03:00 CEST = 01:00 UTC.
            expect(next('2026-03-29T00:59:30Z', berlin({}))).toBe('2026-03-29T01:00:00.000Z');
        });

        it('skips a daily time that falls in the hour DST removes, until the next day', () => {
            // 02:30 does not exist on 29 March 2026; the next 02:30 is on the 30th, in CEST.
            expect(next('2026-03-29T00:30:00Z', berlin({ hours: 2, minutes: 30 }))).toBe('2026-03-30T00:30:00.000Z');
        });

        it('fires a time that occurs twice when DST ends only once, at its second occurrence', () => {
            // 02:30 CEST = 00:30 UTC and 02:30 CET = 01:30 UTC on 25 October 2026.
            const spec = berlin({ hours: 2, minutes: 30 });
            expect(next('2026-10-24T23:00:00Z', spec)).toBe('2026-10-25T01:30:00.000Z');
            expect(next('2026-10-25T01:30:00Z', spec)).toBe('2026-10-26T01:30:00.000Z');
        });

        it('keeps the wall-clock hour when DST ends: 01:00 CEST, then 02:00 CET, then 03:00 CET', () => {
            const spec = berlin({ minutes: 0 });
            expect(next('2026-10-24T23:00:00Z', spec)).toBe('2026-10-25T01:00:00.000Z');
            expect(next('2026-10-25T01:00:00Z', spec)).toBe('2026-10-25T02:00:00.000Z');
        });

        it('accepts a GLib time zone identifier, e.g. Etc/GMT-2, or a GLib.TimeZone', () => {
            expect(next('2026-06-01T00:00:00Z', { hours: 9, minutes: 0, timeZone: 'Etc/GMT-2' })).toBe('2026-06-01T07:00:00.000Z');
            const zone = GLib.TimeZone.new_offset(-5 * 3600);
            expect(next('2026-06-01T00:00:00Z', { hours: 9, minutes: 0, timeZone: zone })).toBe('2026-06-01T14:00:00.000Z');
        });
    });

    it('uses the local time zone by default, as Date does', () => {
        const from = new Date();
        const result = nextAtTime(from, { minutes: [0, 30] });
        expect(result.getTime()).toBeGreaterThan(from.getTime());
        expect(result.getTime() - from.getTime()).toBeLessThanOrEqual(30 * 60 * 1000 + 1000);
        expect([0, 30]).toContain(result.getMinutes());
        expect(result.getSeconds()).toBe(0);
        expect(result.getMilliseconds()).toBe(0);
    });

    describe('rejects bad input with a TypeError that names the value', () => {
        const cases: [AtTimerSpec, string][] = [
            [{ hours: 24 }, '`hours` must be an integer from 0 to 23 or an array of them (got 24)'],
            [{ minutes: -1 }, '`minutes` must be an integer from 0 to 59 or an array of them (got -1)'],
            [{ seconds: 60 }, '`seconds` must be an integer from 0 to 59 or an array of them (got 60)'],
            [{ seconds: 1.5 }, '`seconds` must be an integer from 0 to 59 or an array of them (got 1.5)'],
            [{ hours: '3' as unknown as number }, '`hours` must be an integer from 0 to 23 or an array of them (got "3")'],
            [{ minutes: [0, 30, 99] }, '`minutes` must hold integers from 0 to 59 (got 99 at index 2)'],
            [{ hours: [] }, '`hours` must not be an empty array'],
            [{ hour: 3 } as AtTimerSpec, 'unknown AtTimer field "hour" (expected hours, minutes, seconds or timeZone)'],
            [{ timeZone: 'Nowhere/Nope' }, '`timeZone` must be a GLib.TimeZone or a time zone identifier GLib knows (got "Nowhere/Nope")'],
        ];
        for (const [spec, message] of cases) {
            it(message, () => {
                expect(() => nextAtTime(new Date(), spec)).toThrowError(TypeError, message);
                expect(() => new AtTimer(() => undefined).start(spec)).toThrowError(TypeError, message);
            });
        }

        it('a `from` that is not a valid Date', () => {
            expect(() => nextAtTime(new Date(NaN))).toThrowError(TypeError, '`from` must be a valid Date (got a Date)');
        });

        it('a spec that is not an object', () => {
            expect(() => new AtTimer(() => undefined).start(5 as AtTimerSpec)).toThrowError(TypeError, /spec must be an object.*\(got 5\)/);
        });
    });
});

describe('AtTimer', () => {
    it('has a null next while stopped and the next matching Date while active', () => {
        const timer = new AtTimer(() => undefined);
        expect(timer.next).toBeNull();
        const spec = { hours: (new Date().getHours() + 2) % 24, minutes: 0 };
        timer.start(spec);
        expect(timer.active).toBeTrue();
        expect(timer.next).toEqual(nextAtTime(new Date(), spec));
        timer.stop();
        timer.stop();
        expect(timer.next).toBeNull();
        expect(timer.active).toBeFalse();
    });

    it('fires when the wall clock reaches each matching time, never before', () => {
        fakeWallClock();
        const fires: { wall: number; target: number }[] = [];
        const timer = new AtTimer(() => {
            fires.push({ wall: wallNow(), target: (timer.next as Date).getTime() });
            return fires.length < 2;
        });
        timer.start({ seconds: EVERY_SECOND });
        main.loop(() => timer.active, 5);
        expect(fires.length).toBe(2);
        fires.forEach(f => expect(f.wall).toBeGreaterThanOrEqual(f.target));
        expect(fires[1].target - fires[0].target).toBe(1000);
    });

    it('waits at most 60 s on the monotonic clock before it checks the wall clock again', () => {
        const timer = new AtTimer(() => undefined);
        timer.start({ hours: (new Date().getHours() + 2) % 24, minutes: 0 });
        expect(scheduler.next - now()).toBeLessThanOrEqual(60);
        expect(scheduler.next - now()).toBeGreaterThan(59);
        timer.stop();
    });

    it('stops when the callback returns false, and restarts with a new spec', () => {
        fakeWallClock();
        let calls = 0;
        const timer = new AtTimer(() => {
            calls++;
            return false;
        });
        timer.start({ hours: 3 });
        timer.start({ seconds: EVERY_SECOND });
        main.loop(() => timer.active, 5);
        expect(calls).toBe(1);
        expect(timer.next).toBeNull();
    });

    it('a callback that throws stops it, and the exception reaches kaa.signals.exception', () => {
        fakeWallClock();
        const errors: unknown[] = [];
        const handler = signals.exception.connect((e: unknown) => {
            errors.push(e);
            return false;
        });
        const timer = new AtTimer(() => {
            throw new Error('at boom');
        });
        try {
            timer.start({ seconds: EVERY_SECOND });
            main.loop(() => errors.length === 0, 5);
        } finally {
            signals.exception.disconnect(handler);
        }
        expect((errors[0] as Error).message).toBe('at boom');
        expect(timer.active).toBeFalse();
    });

    describe('when the system clock changes (wallNow() faked)', () => {
        let clock = { offset: 0 };
        beforeEach(() => {
            clock = fakeWallClock();
        });

        it('does not fire early when the clock was set back; it aims at the new next time', () => {
            const fires: { wall: number; target: number }[] = [];
            const timer = new AtTimer(() => {
                fires.push({ wall: wallNow(), target: (timer.next as Date).getTime() });
                return false;
            });
            timer.start({ seconds: EVERY_SECOND });
            const firstTarget = (timer.next as Date).getTime();
            clock.offset -= 5000;
            main.loop(() => timer.active, 5);
            expect(fires.length).toBe(1);
            expect(fires[0].target).toBeLessThan(firstTarget);
            expect(fires[0].wall).toBeGreaterThanOrEqual(fires[0].target);
        });

        it('re-aims at an earlier time after a large set-back, so matching times fire again', () => {
            let firstTarget = 0;
            let aimedAfter: number | null = null;
            const timer = new AtTimer(() => {
                if (firstTarget === 0) {
                    firstTarget = (timer.next as Date).getTime();
                    clock.offset -= 120_000;
                    return true;
                }
                return false;
            });
            timer.start({ seconds: EVERY_SECOND });
            main.loop(() => firstTarget === 0, 5);
            aimedAfter = (timer.next as Date).getTime();
            timer.stop();
            expect(aimedAfter).toBeLessThan(firstTarget);
        });

        it('never fires the same time twice after a small set-back', () => {
            const targets: number[] = [];
            const timer = new AtTimer(() => {
                targets.push((timer.next as Date).getTime());
                if (targets.length === 1)
                    clock.offset -= 500;
                return targets.length < 2;
            });
            timer.start({ seconds: EVERY_SECOND });
            main.loop(() => timer.active, 5);
            expect(targets.length).toBe(2);
            expect(targets[1]).toBe(targets[0] + 1000);
        });

        it('fires once, not in a burst, when the clock jumps forward past many times', () => {
            let calls = 0;
            const timer = new AtTimer(() => {
                calls++;
            });
            timer.start({ seconds: EVERY_SECOND });
            clock.offset += 30_000;
            main.loop(() => calls === 0, 5);
            main.loop(true, 0.05);
            expect(calls).toBe(1);
            expect((timer.next as Date).getTime()).toBeGreaterThan(wallNow());
            timer.stop();
        });
    });
    describe('running across daylight saving time (Central Europe, fake clock)', () => {
        const run = (from: string, spec: AtTimerSpec, count: number): string[] => {
            fakeWallClock(Date.parse(from));
            const fired: string[] = [];
            const timer = new AtTimer(() => {
                fired.push(new Date(wallNow()).toISOString());
                return fired.length < count;
            });
            timer.start({ ...spec, timeZone: BERLIN });
            main.loop(() => timer.active, 4 * 3600);
            return fired;
        };

        it('fires 01:30, then 03:00 (02:00 and 02:30 do not exist), 03:30 when DST begins', () => {
            expect(run('2026-03-29T00:20:00Z', { minutes: [0, 30] }, 3))
                .toEqual(['2026-03-29T00:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z']);
        });

        it('fires each wall-clock hour once when DST ends, 02:00 at its second occurrence', () => {
            // 01:00 CEST = 23:00 UTC; 02:00 CEST (00:00 UTC) is skipped for 02:00 CET (01:00 UTC).
            expect(run('2026-10-24T22:30:00Z', { minutes: 0 }, 3))
                .toEqual(['2026-10-24T23:00:00.000Z', '2026-10-25T01:00:00.000Z', '2026-10-25T02:00:00.000Z']);
        });
    });
});

describe('OneShotAtTimer', () => {
    it('fires once, stopped before its callback runs', () => {
        fakeWallClock();
        const seen: [boolean, Date | null][] = [];
        const timer = new OneShotAtTimer(() => {
            seen.push([timer.active, timer.next]);
        });
        timer.start({ seconds: EVERY_SECOND });
        main.loop(() => timer.active, 5);
        expect(seen).toEqual([[false, null]]);
    });

    it('can restart itself from its own callback', () => {
        fakeWallClock();
        let calls = 0;
        const timer = new OneShotAtTimer(() => {
            if (++calls < 2)
                timer.start({ seconds: EVERY_SECOND });
        });
        timer.start({ seconds: EVERY_SECOND });
        main.loop(() => timer.active, 5);
        expect(calls).toBe(2);
    });
});
