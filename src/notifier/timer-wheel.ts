/**
 * The timer wheel: where the scheduler keeps its deadlines.
 *
 * A binary heap of 100k deadlines walks 17 levels per pop, and bursts of
 * timers (1,000 due per millisecond) then cost more than a millisecond of
 * CPU per millisecond. The wheel keeps deadlines of the next {@link SLOTS}
 * milliseconds in one slot per millisecond — an append to start a timer, a
 * walk along the slot to fire — and only farther deadlines in a heap, which
 * feeds the wheel as its window moves on. A slot keeps its entries in start
 * order, so:
 *
 * - timers fire in deadline order to the millisecond, and within one
 *   millisecond in start order (equal deadlines always in start order);
 * - no timer fires early: a slot is fired entry by entry, each only once its
 *   own deadline has passed.
 *
 * While the scheduler fires, an entry started with a deadline already
 * passed for the round being fired (a zero-delay chain) goes to a ready
 * queue instead, which the next round fires first (cheaper than a slot, and
 * in order: everything else due then has a later deadline); what is left
 * there when the dispatch ends goes into the wheel.
 *
 * A stopped timer leaves a hole (`null`) in its slot, so stopping is O(1)
 * and the walk of a slot that a callback changes stays valid; holes go when
 * the slot empties or is compacted. The wheel is plain data: the scheduler
 * (scheduler.ts) owns the GLib source, the clock and the time slices.
 */
import { BUCKET, DEADLINE, FIRE, INDEX, SEQ, type ScheduledEntry } from './entry.js';

/** The wheel's window, in 1 ms slots (a power of 2): deadlines farther out wait in a heap. */
export const SLOTS = 1024;
const MASK = SLOTS - 1;

/** One millisecond of the wheel, or (`pos === -1`) the heap of far deadlines. */
export class Bucket {
    items: (ScheduledEntry | null)[] = [];
    /** Entries before `head` are holes. */
    head = 0;
    live = 0;
    constructor(readonly pos: number) {}
}

const before = (a: ScheduledEntry, b: ScheduledEntry) =>
    a[DEADLINE] < b[DEADLINE] || (a[DEADLINE] === b[DEADLINE] && a[SEQ] < b[SEQ]);

const slotOf = (deadline: number) => Math.floor(deadline * 1000);

/** Runs a walk's `n`th firing (exceptions to `onError`); true when `cut()`, asked every 32 firings, ends the slice. */
function fireEntry(entry: ScheduledEntry, n: number, cut: () => boolean, onError: (error: unknown) => void): boolean {
    try {
        entry[FIRE]();
    } catch (error) {
        onError(error);
    }
    return (n & 31) === 0 && cut();
}

/** Slots of 1 ms for near deadlines, a heap for far ones (see the module doc). */
export class TimerWheel {
    /** Made on a slot's first use: 1,024 empty buckets up front cost ~0.3 MiB at start-up (bench startup). */
    readonly #slots: (Bucket | undefined)[] = new Array<Bucket | undefined>(SLOTS);
    /** One bit per slot with live entries. */
    readonly #bits = new Int32Array(SLOTS >> 5);
    readonly #far = new Bucket(-1);
    readonly #ready = new Bucket(-2);
    /** The first slot (absolute ms) that may hold entries; far entries are all at cursor + SLOTS or later. */
    #cursor = 0;
    #wheelSize = 0;
    /** Walks of a slot in progress (holes are compacted only when none is). */
    #walking = 0;
    readonly #now: () => number;

    /** @param now - the clock (monotonic seconds), read when a far deadline may only look far. */
    constructor(now: () => number) {
        this.#now = now;
    }

    /** The number of entries held. */
    get size(): number {
        return this.#wheelSize + this.#far.items.length + this.#ready.live;
    }

    /**
     * Moves the window to `t` (seconds) while the wheel holds nothing: forward
     * as time passes, or back when the clock was replaced.
     */
    rebase(t: number): void {
        if (this.size !== 0)
            return;
        this.#cursor = slotOf(t);
    }

    /**
     * Adds an entry already due (its deadline at most the time of the round
     * being fired) to the ready queue, which the next round fires first.
     */
    addReady(entry: ScheduledEntry): void {
        const ready = this.#ready;
        entry[BUCKET] = ready;
        entry[INDEX] = ready.items.length;
        ready.items.push(entry);
        ready.live++;
    }

    /** Fires the ready queue's entries with `seq` below `limit`; returns true when `cut()` stopped it. */
    fireReady(limit: number, cut: () => boolean, onError: (error: unknown) => void): boolean {
        const ready = this.#ready;
        if (ready.live === 0)
            return false;
        const items = ready.items;
        let fired = 0;
        let stopped = false;
        this.#walking++;
        for (let i = ready.head; i < items.length; i++) {
            const entry = items[i];
            if (entry === null)
                continue;
            if (entry[SEQ] >= limit)
                break; // the rest came later still
            items[i] = null;
            ready.head = i + 1;
            entry[BUCKET] = null;
            entry[INDEX] = -1;
            ready.live--;
            if (fireEntry(entry, ++fired, cut, onError)) {
                stopped = true;
                break;
            }
        }
        this.#walking--;
        if (ready.live === 0 && this.#walking === 0) {
            if (items.length > 64)
                ready.items = [];
            ready.head = ready.items.length;
        }
        return stopped;
    }

    /** Moves what the ready queue still holds into the wheel (at the end of a dispatch). */
    flushReady(): void {
        const ready = this.#ready;
        if (ready.live === 0)
            return;
        const items = ready.items;
        for (let i = ready.head; i < items.length; i++) {
            const entry = items[i];
            if (entry === null)
                continue;
            items[i] = null;
            ready.live--;
            this.add(entry);
        }
        ready.head = items.length;
    }

    /** Adds `entry` (its `seq` already set). */
    add(entry: ScheduledEntry): void {
        const k = slotOf(entry[DEADLINE]);
        if (k >= this.#cursor + SLOTS) {
            // The window may lag the clock (it moves when the scheduler fires).
            this.firstDue(this.#now());
            if (k >= this.#cursor + SLOTS) {
                this.#heapPush(entry);
                return;
            }
        }
        this.#append(entry, k < this.#cursor ? this.#cursor : k);
    }

    /** Removes `entry`; false if the wheel did not hold it. */
    remove(entry: ScheduledEntry): boolean {
        const bucket = entry[BUCKET];
        if (!bucket || entry[INDEX] < 0)
            return false;
        if (bucket === this.#far) {
            this.#heapRemove(entry);
            return true;
        }
        if (bucket === this.#ready) {
            bucket.items[entry[INDEX]] = null;
            entry[BUCKET] = null;
            entry[INDEX] = -1;
            bucket.live--;
            return true;
        }
        bucket.items[entry[INDEX]] = null;
        entry[BUCKET] = null;
        entry[INDEX] = -1;
        this.#wheelSize--;
        if (--bucket.live === 0)
            this.#emptied(bucket);
        return true;
    }

    /** The earliest deadline held, or Infinity. */
    earliest(): number {
        if (this.#ready.live > 0)
            return -Infinity;
        if (this.#wheelSize === 0)
            return this.#far.items.length ? (this.#far.items[0] as ScheduledEntry)[DEADLINE] : Infinity;
        const bucket = this.#slots[this.#find(this.#cursor, this.#cursor + SLOTS - 1) & MASK] as Bucket; // its bit is set: it exists
        let min = Infinity;
        const items = bucket.items;
        for (let i = bucket.head; i < items.length; i++) {
            const entry = items[i];
            if (entry !== null && entry[DEADLINE] < min)
                min = entry[DEADLINE];
        }
        return min;
    }

    /**
     * The first slot that holds entries and is due at `t` (seconds), moving
     * the window up to it; -1 when none is. Call at the start of a round.
     */
    firstDue(t: number): number {
        const tms = slotOf(t);
        if (this.#wheelSize === 0) {
            if (tms > this.#cursor)
                this.#moveCursor(tms);
            if (this.#wheelSize === 0)
                return -1;
        }
        const k = this.#find(this.#cursor, Math.min(Math.max(tms, this.#cursor), this.#cursor + SLOTS - 1));
        if (k > this.#cursor)
            this.#moveCursor(k);
        else if (k < 0 && tms > this.#cursor)
            this.#moveCursor(tms); // every slot up to tms is empty
        return k;
    }

    /** The next slot after `k` that holds entries and is due at `t`, or -1. */
    nextDue(k: number, t: number): number {
        const hi = Math.min(slotOf(t), this.#cursor + SLOTS - 1);
        return k + 1 > hi ? -1 : this.#find(k + 1, hi);
    }

    /**
     * Fires, in start order, the entries of slot `k` whose deadline is at
     * most `t` and whose `seq` is below `limit`; the others stay. Stops early
     * (returns true) once `cut()` says the time slice is over (asked every 32
     * firings). An entry is out of the wheel when its `fire()` runs.
     */
    fireSlot(k: number, t: number, limit: number, cut: () => boolean, onError: (error: unknown) => void): boolean {
        const bucket = this.#slots[k & MASK] as Bucket; // a due slot's bit is set: it exists
        const items = bucket.items;
        let fired = 0;
        let stopped = false;
        this.#walking++;
        try {
            for (let i = bucket.head; i < items.length; i++) {
                const entry = items[i];
                if (entry === null || entry[DEADLINE] > t || entry[SEQ] >= limit)
                    continue;
                items[i] = null;
                entry[BUCKET] = null;
                entry[INDEX] = -1;
                this.#wheelSize--;
                // Emptied: off the bit map at once, so earliest() from a callback sees past it.
                if (--bucket.live === 0)
                    this.#bits[bucket.pos >> 5] &= ~(1 << (bucket.pos & 31));
                if (fireEntry(entry, ++fired, cut, onError)) {
                    stopped = true;
                    break;
                }
            }
        } finally {
            this.#walking--;
        }
        if (bucket.live === 0)
            this.#emptied(bucket);
        else
            this.#tidy(bucket);
        return stopped;
    }

    #append(entry: ScheduledEntry, k: number): void {
        const bucket = this.#slots[k & MASK] ??= new Bucket(k & MASK);
        entry[BUCKET] = bucket;
        entry[INDEX] = bucket.items.length;
        bucket.items.push(entry);
        this.#wheelSize++;
        if (bucket.live++ === 0)
            this.#bits[bucket.pos >> 5] |= 1 << (bucket.pos & 31);
    }

    #emptied(bucket: Bucket): void {
        this.#bits[bucket.pos >> 5] &= ~(1 << (bucket.pos & 31));
        // Keep a short array (a zero-delay chain reuses one slot again and again).
        if (this.#walking === 0) {
            if (bucket.items.length > 64)
                bucket.items = [];
            bucket.head = bucket.items.length;
        }
    }

    /** Drops leading holes, and compacts a slot that is mostly holes (not while a walk is under way). */
    #tidy(bucket: Bucket): void {
        const items = bucket.items;
        while (bucket.head < items.length && items[bucket.head] === null)
            bucket.head++;
        if (this.#walking > 0 || items.length - bucket.head <= 2 * bucket.live + 16)
            return;
        const kept: ScheduledEntry[] = [];
        for (let i = bucket.head; i < items.length; i++) {
            const entry = items[i];
            if (entry !== null) {
                entry[INDEX] = kept.length;
                kept.push(entry);
            }
        }
        bucket.items = kept;
        bucket.head = 0;
    }

    /** The first slot in [from, to] (absolute ms, to - from < SLOTS) with live entries, or -1. */
    #find(from: number, to: number): number {
        let k = from;
        while (k <= to) {
            const pos = k & MASK;
            const word = this.#bits[pos >> 5] >>> (pos & 31);
            if (word !== 0) {
                const found = k + 31 - Math.clz32(word & -word);
                return found <= to ? found : -1;
            }
            k += 32 - (pos & 31);
        }
        return -1;
    }

    /** Moves the window forward to `k` (only over empty slots) and takes in the far deadlines it now covers. */
    #moveCursor(k: number): void {
        this.#cursor = k;
        const far = this.#far.items as ScheduledEntry[];
        const end = k + SLOTS;
        while (far.length && slotOf(far[0][DEADLINE]) < end) {
            const entry = far[0];
            this.#heapRemove(entry);
            this.#append(entry, Math.max(slotOf(entry[DEADLINE]), k));
        }
    }

    #heapPush(entry: ScheduledEntry): void {
        const heap = this.#far.items as ScheduledEntry[];
        entry[BUCKET] = this.#far;
        entry[INDEX] = heap.length;
        heap.push(entry);
        this.#up(entry[INDEX]);
    }

    #heapRemove(entry: ScheduledEntry): void {
        const heap = this.#far.items as ScheduledEntry[];
        const i = entry[INDEX];
        const last = heap.pop() as ScheduledEntry;
        entry[BUCKET] = null;
        entry[INDEX] = -1;
        if (last !== entry) {
            heap[i] = last;
            last[INDEX] = i;
            this.#down(i);
            this.#up(last[INDEX]);
        }
    }

    #up(i: number): void {
        const heap = this.#far.items as ScheduledEntry[];
        const entry = heap[i];
        while (i > 0) {
            const p = (i - 1) >> 1;
            if (!before(entry, heap[p]))
                break;
            heap[i] = heap[p];
            heap[i][INDEX] = i;
            i = p;
        }
        heap[i] = entry;
        entry[INDEX] = i;
    }

    #down(i: number): void {
        const heap = this.#far.items as ScheduledEntry[];
        const n = heap.length;
        const entry = heap[i];
        for (;;) {
            let c = 2 * i + 1;
            if (c >= n)
                break;
            if (c + 1 < n && before(heap[c + 1], heap[c]))
                c++;
            if (!before(heap[c], entry))
                break;
            heap[i] = heap[c];
            heap[i][INDEX] = i;
            i = c;
        }
        heap[i] = entry;
        entry[INDEX] = i;
    }
}
