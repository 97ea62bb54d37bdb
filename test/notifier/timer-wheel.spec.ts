// The timer wheel: plain data (no GLib source), so its bookkeeping is checked directly.
import { SLOTS, TimerWheel } from '../../src/notifier/timer-wheel.js';
import { SEQ, entryAt, type ScheduledEntry } from '../../src/notifier/entry.js';

let seq = 0;
function entry(deadline: number, fire: () => void = () => undefined): ScheduledEntry {
    const made = entryAt(deadline, fire);
    made[SEQ] = seq++;
    return made;
}

const never = () => false;

/** A wheel at t = 10 s holding one entry due at `due` that records what earliest() says while it fires. */
function recording(due: number): { wheel: TimerWheel; seen: number[] } {
    const wheel = new TimerWheel(() => 10);
    wheel.rebase(10);
    const seen: number[] = [];
    wheel.add(entry(due, () => seen.push(wheel.earliest())));
    return { wheel, seen };
}
const rethrow = (error: unknown) => {
    throw error;
};

describe('TimerWheel', () => {
    it('reports the earliest deadline from inside the walk of a slot whose last entry fires', () => {
        const { wheel, seen } = recording(10.0005);
        wheel.add(entry(10.2));
        const k = wheel.firstDue(10.001);
        expect(k).toBeGreaterThanOrEqual(0);
        wheel.fireSlot(k, 10.001, seq, never, rethrow);
        expect(seen).toEqual([10.2]);
        expect(wheel.earliest()).toBe(10.2);
    });

    it('reports a far deadline (in the heap) from inside the walk of the only wheel slot', () => {
        const { wheel, seen } = recording(10.0005);
        const far = 10 + (SLOTS * 4) / 1000;
        wheel.add(entry(far));
        wheel.fireSlot(wheel.firstDue(10.001), 10.001, seq, never, rethrow);
        expect(seen).toEqual([far]);
    });

    it('reports an entry the walked slot keeps (not yet due) as the earliest', () => {
        const { wheel, seen } = recording(10.0001);
        wheel.add(entry(10.0009));
        wheel.fireSlot(wheel.firstDue(10.0005), 10.0005, seq, never, rethrow);
        expect(seen).toEqual([10.0009]);
        expect(wheel.size).toBe(1);
    });

    it('reports Infinity once the last entry fired, also from inside its own callback', () => {
        const { wheel, seen } = recording(10.0005);
        wheel.fireSlot(wheel.firstDue(10.001), 10.001, seq, never, rethrow);
        expect(seen).toEqual([Infinity]);
        expect(wheel.size).toBe(0);
    });
});
