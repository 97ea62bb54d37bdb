/**
 * The timer wheel's buckets (timer-wheel.ts): a slot of the wheel, the heap
 * of far deadlines, or the ready queue, each an array of entries with their
 * start order (`seq`) beside them.
 *
 * An entry holds one number of the wheel's, its place (`entry[PLACE]`): its
 * index in its bucket times {@link CODES}, plus the bucket's code. One field
 * instead of three (bucket, index, start order) keeps a `Timer`, which is
 * its own entry, at 4 fields: SpiderMonkey 102 allocates `this` with 4
 * inline slots, and a 5th field adds a slots buffer — twice the bytes per
 * timer, which a burst's minor GCs copy.
 */
import { DEADLINE, PLACE, type ScheduledEntry } from './entry.js';

/** An entry's place is its index in its bucket times CODES, plus its bucket's code (below CODES). */
export const CODES = 2048;

/** One millisecond of the wheel, the heap of far deadlines or the ready queue. */
export class Bucket {
    items: (ScheduledEntry | null)[] = [];
    /** The start order of each item (the scheduler's `seq`). */
    seqs: number[] = [];
    /** Entries before `head` are holes. */
    head = 0;
    live = 0;
    /** @param code - tells the bucket in an entry's place: a slot's position, or a code above the slots'. */
    constructor(readonly code: number) {}
}

/** Puts `entry` (start order `seq`) at index `i` of `bucket`. */
export function setAt(bucket: Bucket, i: number, entry: ScheduledEntry, seq: number): void {
    bucket.items[i] = entry;
    bucket.seqs[i] = seq;
    entry[PLACE] = i * CODES + bucket.code;
}

/** Appends `entry` (start order `seq`) to `bucket`. */
export function push(bucket: Bucket, entry: ScheduledEntry, seq: number): void {
    entry[PLACE] = bucket.items.length * CODES + bucket.code;
    bucket.items.push(entry);
    bucket.seqs.push(seq);
}

/** Whether the heap entry at `i` comes before the one at `j`: deadline, then start order. */
function before(heap: Bucket, i: number, j: number): boolean {
    const a = (heap.items[i] as ScheduledEntry)[DEADLINE];
    const b = (heap.items[j] as ScheduledEntry)[DEADLINE];
    return a < b || (a === b && heap.seqs[i] < heap.seqs[j]);
}

function swap(heap: Bucket, i: number, j: number): void {
    const entry = heap.items[i] as ScheduledEntry;
    const seq = heap.seqs[i];
    setAt(heap, i, heap.items[j] as ScheduledEntry, heap.seqs[j]);
    setAt(heap, j, entry, seq);
}

function up(heap: Bucket, i: number): void {
    while (i > 0) {
        const p = (i - 1) >> 1;
        if (!before(heap, i, p))
            break;
        swap(heap, i, p);
        i = p;
    }
}

function down(heap: Bucket, i: number): void {
    const n = heap.items.length;
    for (;;) {
        let c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && before(heap, c + 1, c))
            c++;
        if (!before(heap, c, i))
            break;
        swap(heap, i, c);
        i = c;
    }
}

/** Adds `entry` (start order `seq`) to `heap`, a bucket kept as a binary heap (earliest first). */
export function heapPush(heap: Bucket, entry: ScheduledEntry, seq: number): void {
    push(heap, entry, seq);
    up(heap, heap.items.length - 1);
}

/** Takes the entry at index `i` out of `heap` (its place is left for the caller to set). */
export function heapRemove(heap: Bucket, i: number): void {
    const last = heap.items.pop() as ScheduledEntry;
    const lastSeq = heap.seqs.pop() as number;
    if (i === heap.items.length)
        return;
    setAt(heap, i, last, lastSeq);
    if (i > 0 && before(heap, i, (i - 1) >> 1))
        up(heap, i);
    else
        down(heap, i);
}
