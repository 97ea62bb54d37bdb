// The timer wheel: plain data (no GLib source), so its bookkeeping is checked directly.
import { SLOTS, TimerWheel } from '../../src/notifier/timer-wheel.js';
import { entryAt, type ScheduledEntry } from '../../src/notifier/entry.js';

let seq = 0;
/** Adds an entry due at `deadline` to `wheel`, started next. */
function add(wheel: TimerWheel, deadline: number, fire: () => void = () => undefined): ScheduledEntry {
    const made = entryAt(deadline, fire);
    wheel.add(made, seq++);
    return made;
}

const never = () => false;

/** A wheel at t = 10 s holding one entry due at `due` that records what earliest() says while it fires. */
function recording(due: number): { wheel: TimerWheel; seen: number[] } {
    const wheel = new TimerWheel(() => 10);
    wheel.rebase(10);
    const seen: number[] = [];
    add(wheel, due, () => seen.push(wheel.earliest()));
    return { wheel, seen };
}
const rethrow = (error: unknown) => {
    throw error;
};

describe('TimerWheel', () => {
    it('reports the earliest deadline from inside the walk of a slot whose last entry fires', () => {
        const { wheel, seen } = recording(10.0005);
        add(wheel, 10.2);
        const k = wheel.firstDue(10.001);
        expect(k).toBeGreaterThanOrEqual(0);
        wheel.fireSlot(k, 10.001, seq, never, rethrow);
        expect(seen).toEqual([10.2]);
        expect(wheel.earliest()).toBe(10.2);
    });

    it('reports a far deadline (in the heap) from inside the walk of the only wheel slot', () => {
        const { wheel, seen } = recording(10.0005);
        const far = 10 + (SLOTS * 4) / 1000;
        add(wheel, far);
        wheel.fireSlot(wheel.firstDue(10.001), 10.001, seq, never, rethrow);
        expect(seen).toEqual([far]);
    });

    it('reports an entry the walked slot keeps (not yet due) as the earliest', () => {
        const { wheel, seen } = recording(10.0001);
        add(wheel, 10.0009);
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

describe('TimerWheel entries due before its window', () => {
    /** Fires everything due at `t` (seconds). */
    function fireDue(wheel: TimerWheel, t: number): void {
        for (let k = wheel.firstDue(t); k >= 0; k = wheel.nextDue(k, t))
            wheel.fireSlot(k, t, Infinity, never, rethrow);
    }

    it('fires an entry added with a deadline before the window before a later deadline in its first slot', () => {
        // The window moves on to the first slot with entries (10.006 s); an
        // entry due at 10.001 s added then (a ready entry flushed after a
        // long callback) must still fire before the one due at 10.0065 s.
        const wheel = new TimerWheel(() => 10);
        wheel.rebase(10);
        const order: string[] = [];
        add(wheel, 10.0065, () => order.push('10.0065'));
        expect(wheel.firstDue(10.0064)).toBe(10006); // the window starts there now
        add(wheel, 10.0015, () => order.push('10.0015'));
        add(wheel, 10.0012, () => order.push('10.0012'));
        expect(wheel.earliest()).toBe(10.0012);
        fireDue(wheel, 10.008);
        expect(order).toEqual(['10.0015', '10.0012', '10.0065']);
        expect(wheel.size).toBe(0);
    });

    it('puts it in the first slot when the slots it would take back hold the far end of the window', () => {
        const wheel = new TimerWheel(() => 10);
        wheel.rebase(10);
        const order: string[] = [];
        add(wheel, 10.0065, () => order.push('10.0065'));
        expect(wheel.firstDue(10.0064)).toBe(10006);
        // 11.0275 s is in the window (10.006 s + 1.024 s), in the ring position 10.003 s had.
        add(wheel, 11.0275, () => order.push('far end'));
        add(wheel, 10.0015, () => order.push('10.0015'));
        fireDue(wheel, 10.008);
        expect(order).toEqual(['10.0065', '10.0015']);
        expect(wheel.size).toBe(1);
    });
});

describe('TimerWheel with many near and far entries', () => {
    interface Made {
        deadline: number;
        entry: ScheduledEntry;
        removed: boolean;
        firedAt: number[];
    }

    it('fires each entry not removed once, never early, equal deadlines in start order', () => {
        let state = 12345;
        const random = () => {
            state = (Math.imul(state, 1103515245) + 12345) >>> 0;
            return state / 4294967296;
        };
        let t = 10;
        const wheel = new TimerWheel(() => t);
        wheel.rebase(t);
        // 300 distinct deadlines over 3 s (most beyond the wheel's window, in
        // its heap), so many entries share one.
        const made: Made[] = [];
        const fired: number[] = [];
        for (let i = 0; i < 3000; i++) {
            const deadline = 10 + Math.floor(random() * 300) / 100;
            const firedAt: number[] = [];
            const entry = add(wheel, deadline, () => {
                firedAt.push(t);
                fired.push(i);
            });
            made.push({ deadline, entry, removed: false, firedAt });
        }
        for (const record of made) {
            if (random() < 0.25)
                record.removed = wheel.remove(record.entry);
        }
        expect(made.filter(r => r.removed).length).toBeGreaterThan(500);
        expect(wheel.size).toBe(made.filter(r => !r.removed).length);
        while (wheel.size > 0 && t < 14) {
            t += 0.0007;
            for (let k = wheel.firstDue(t); k >= 0; k = wheel.nextDue(k, t))
                wheel.fireSlot(k, t, Infinity, never, rethrow);
        }
        expect(wheel.size).toBe(0);
        for (const record of made) {
            expect(record.firedAt.length).toBe(record.removed ? 0 : 1);
            if (record.firedAt.length)
                expect(record.firedAt[0]).toBeGreaterThanOrEqual(record.deadline);
        }
        const byDeadline = new Map<number, number[]>();
        for (const i of fired)
            byDeadline.set(made[i].deadline, [...byDeadline.get(made[i].deadline) ?? [], i]);
        for (const group of byDeadline.values())
            expect(group).toEqual([...group].sort((a, b) => a - b));
    });
});
