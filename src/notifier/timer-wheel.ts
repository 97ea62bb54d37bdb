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
 * An entry's place and start order are kept as bucket.ts describes.
 */
import { Bucket, CODES, heapPush, heapRemove, push, setAt } from './bucket.js';
import { DEADLINE, FIRE, PLACE, type ScheduledEntry } from './entry.js';

/** The wheel's window, in 1 ms slots (a power of 2): deadlines farther out wait in a heap. */
export const SLOTS = 1024;
const MASK = SLOTS - 1;
/** The codes of the far heap's and the ready queue's buckets; a slot's code is its position (0 … SLOTS - 1). */
const FAR = SLOTS;
const READY = SLOTS + 1;
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
    readonly #far = new Bucket(FAR);
    readonly #ready = new Bucket(READY);
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
     * being fired), started `seq`th, to the ready queue, which the next round
     * fires first.
     */
    addReady(entry: ScheduledEntry, seq: number): void {
        push(this.#ready, entry, seq);
        this.#ready.live++;
    }

    /** Fires the ready queue's entries started before `limit`; returns true when `cut()` stopped it. */
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
            if (ready.seqs[i] >= limit)
                break; // the rest came later still
            items[i] = null;
            ready.head = i + 1;
            entry[PLACE] = -1;
            ready.live--;
            if (fireEntry(entry, ++fired, cut, onError)) {
                stopped = true;
                break;
            }
        }
        this.#walking--;
        if (ready.live === 0 && this.#walking === 0)
            this.#reset(ready);
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
            this.add(entry, ready.seqs[i]);
        }
        ready.head = items.length;
    }

    /** Adds `entry`, started `seq`th. */
    add(entry: ScheduledEntry, seq: number): void {
        const k = slotOf(entry[DEADLINE]);
        if (k >= this.#cursor + SLOTS) {
            // The window may lag the clock (it moves when the scheduler fires).
            this.firstDue(this.#now());
            if (k >= this.#cursor + SLOTS) {
                heapPush(this.#far, entry, seq);
                return;
            }
        }
        this.#append(entry, seq, k < this.#cursor ? this.#reach(k) : k);
    }

    /**
     * The slot for an entry due before the window starts (a ready entry
     * flushed after the window moved on, a deadline already past): the
     * window moves back to it if the ring positions it takes back are
     * empty, so it fires before the later deadlines of the first slot;
     * else (a rare overlap with the window's far end) the first slot.
     */
    #reach(k: number): number {
        const back = Math.max(k, this.#cursor - SLOTS + 1);
        if (this.#find(back, this.#cursor - 1) >= 0)
            return this.#cursor;
        this.#cursor = back;
        return back;
    }

    /** Removes `entry`; false if the wheel did not hold it. */
    remove(entry: ScheduledEntry): boolean {
        const place = entry[PLACE];
        if (place < 0)
            return false;
        const code = place % CODES;
        const i = (place - code) / CODES;
        entry[PLACE] = -1;
        if (code === FAR) {
            heapRemove(this.#far, i);
            return true;
        }
        const bucket = code === READY ? this.#ready : this.#slots[code] as Bucket;
        bucket.items[i] = null;
        bucket.live--;
        if (code !== READY) {
            this.#wheelSize--;
            if (bucket.live === 0)
                this.#emptied(bucket);
        }
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
     * most `t` and that were started before `limit`; the others stay. Stops
     * early (returns true) once `cut()` says the time slice is over (asked
     * every 32 firings). An entry is out of the wheel when its `fire()` runs.
     */
    fireSlot(k: number, t: number, limit: number, cut: () => boolean, onError: (error: unknown) => void): boolean {
        const bucket = this.#slots[k & MASK] as Bucket; // a due slot's bit is set: it exists
        const items = bucket.items;
        const seqs = bucket.seqs;
        let fired = 0;
        let stopped = false;
        this.#walking++;
        try {
            for (let i = bucket.head; i < items.length; i++) {
                const entry = items[i];
                if (entry === null || entry[DEADLINE] > t || seqs[i] >= limit)
                    continue;
                items[i] = null;
                entry[PLACE] = -1;
                this.#wheelSize--;
                // Emptied: off the bit map at once, so earliest() from a callback sees past it.
                if (--bucket.live === 0)
                    this.#bits[bucket.code >> 5] &= ~(1 << (bucket.code & 31));
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

    #append(entry: ScheduledEntry, seq: number, k: number): void {
        const bucket = this.#slots[k & MASK] ??= new Bucket(k & MASK);
        push(bucket, entry, seq);
        this.#wheelSize++;
        if (bucket.live++ === 0)
            this.#bits[bucket.code >> 5] |= 1 << (bucket.code & 31);
    }

    #emptied(bucket: Bucket): void {
        this.#bits[bucket.code >> 5] &= ~(1 << (bucket.code & 31));
        if (this.#walking === 0)
            this.#reset(bucket);
    }

    /** Empties a bucket with no live entries (not while a walk is under way). */
    #reset(bucket: Bucket): void {
        // Keep a short array (a zero-delay chain reuses one slot again and again).
        if (bucket.items.length > 64) {
            bucket.items = [];
            bucket.seqs = [];
        }
        bucket.head = bucket.items.length;
    }

    /** Drops leading holes, and compacts a slot that is mostly holes (not while a walk is under way). */
    #tidy(bucket: Bucket): void {
        const items = bucket.items;
        while (bucket.head < items.length && items[bucket.head] === null)
            bucket.head++;
        if (this.#walking > 0 || items.length - bucket.head <= 2 * bucket.live + 16)
            return;
        const seqs = bucket.seqs;
        let n = 0;
        for (let i = bucket.head; i < items.length; i++) {
            const entry = items[i];
            if (entry !== null)
                setAt(bucket, n++, entry, seqs[i]);
        }
        items.length = n;
        seqs.length = n;
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
        const far = this.#far;
        const end = k + SLOTS;
        while (far.items.length && slotOf((far.items[0] as ScheduledEntry)[DEADLINE]) < end) {
            const entry = far.items[0] as ScheduledEntry;
            const seq = far.seqs[0];
            heapRemove(this.#far, 0);
            this.#append(entry, seq, Math.max(slotOf(entry[DEADLINE]), k));
        }
    }
}
