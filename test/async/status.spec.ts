// InProgressStatus (src/async/status.ts): position, maximum, derived
// numbers, the updated signal and the text progress bar.
import { InProgressStatus } from '../../src/async/index.js';

describe('InProgressStatus', () => {
    it('starts at 0 of its maximum', () => {
        const s = new InProgressStatus(200);
        expect([s.pos, s.max, s.percentage, s.eta]).toEqual([0, 200, 0, 0]);
        expect(s.elapsed).toBeGreaterThanOrEqual(0);
    });

    it('emits signals.updated with itself on every set() and update()', () => {
        const s = new InProgressStatus(10);
        const seen: number[] = [];
        s.signals.updated.connect(status => seen.push(status.pos));
        s.update();
        s.update(4);
        s.set(8);
        expect(seen).toEqual([1, 5, 8]);
    });

    it('computes the percentage, and eta from an explicit speed', () => {
        const s = new InProgressStatus(200);
        s.set(50, null, 10);
        expect(s.percentage).toBe(25);
        expect(s.speed).toBe(10);
        expect(s.eta).toBe(15);
    });

    it('derives the speed from the elapsed time when none was set', () => {
        const s = new InProgressStatus(100);
        s.set(10);
        expect(s.speed).toBeGreaterThan(0);
        expect(s.eta).toBeGreaterThan(0);
    });

    it('raises max when the position passes it', () => {
        const s = new InProgressStatus(5);
        s.set(7);
        expect(s.max).toBe(7);
        expect(s.percentage).toBe(100);
    });

    it('draws a progress bar of the given width', () => {
        const s = new InProgressStatus(100);
        expect(s.getProgressbar(12)).toBe('[          ]');
        s.set(50);
        expect(s.getProgressbar(12)).toBe('[====>     ]');
        s.set(100);
        expect(s.getProgressbar(12)).toBe('[==========]');
        expect(new InProgressStatus().getProgressbar(5)).toBe('[   ]');
        expect(s.getProgressbar().length).toBe(70);
    });

    it('refuses bad numbers with a TypeError naming them', () => {
        expect(() => new InProgressStatus(-1)).toThrowError(TypeError, /`max` must be a finite number >= 0 \(got -1\)/);
        expect(() => new InProgressStatus().update(NaN)).toThrowError(TypeError, /`diff`/);
        expect(() => new InProgressStatus().getProgressbar(2)).toThrowError(TypeError, /`width`/);
    });

    it('serializes its numbers', () => {
        const s = new InProgressStatus(4).set(1, null, 2);
        expect(JSON.parse(JSON.stringify(s))).toEqual(jasmine.objectContaining({ pos: 1, max: 4, speed: 2, eta: 1.5, percentage: 25 }));
    });
});
