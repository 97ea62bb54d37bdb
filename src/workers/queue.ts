/**
 * The call queue of a pool: a binary heap ordered by priority (highest
 * first), stable among equal priorities (first queued, first out), with
 * removal of any queued call (`abort()` of a queued call dequeues it).
 * @module
 */
import type { Job } from './worker.js';

interface Entry {
    readonly job: Job;
    readonly seq: number;
    index: number;
}

/** Where a queued job's entry is: kept on the job (a Map keyed by objects costs a unique id per job). */
const ENTRY = Symbol('kaa.JobQueue entry');
type Queued = Job & { [ENTRY]?: Entry | null };

const before = (a: Entry, b: Entry): boolean =>
    a.job.priority > b.job.priority || (a.job.priority === b.job.priority && a.seq < b.seq);

/**
 * A priority queue of calls.
 * @example
 * queue.push(job);
 * const next = queue.pop(); // the highest priority, first queued among equals
 */
export class JobQueue {
    readonly #heap: Entry[] = [];
    #seq = 0;

    /** The number of queued calls. */
    get size(): number {
        return this.#heap.length;
    }

    /**
     * Queues a call.
     * @param job - the call (its `priority` orders it).
     */
    push(job: Job): void {
        const entry: Entry = { job, seq: this.#seq++, index: this.#heap.length };
        this.#heap.push(entry);
        (job as Queued)[ENTRY] = entry;
        this.#up(entry.index);
    }

    /**
     * Takes the call that goes next.
     * @returns the call, or undefined when empty.
     */
    pop(): Job | undefined {
        const top = this.#heap[0];
        if (top === undefined)
            return undefined;
        this.#removeAt(0);
        return top.job;
    }

    /**
     * Takes a queued call out.
     * @param job - the call.
     * @returns whether it was queued.
     */
    remove(job: Job): boolean {
        const entry = (job as Queued)[ENTRY];
        if (!entry || this.#heap[entry.index] !== entry)
            return false;
        this.#removeAt(entry.index);
        return true;
    }

    /**
     * Empties the queue.
     * @returns the calls that were queued, in queue order.
     */
    drain(): Job[] {
        const jobs = [...this.#heap].sort((a, b) => (before(a, b) ? -1 : 1)).map(e => e.job);
        for (const job of jobs)
            (job as Queued)[ENTRY] = null;
        this.#heap.length = 0;
        return jobs;
    }

    #removeAt(i: number): void {
        const heap = this.#heap;
        (heap[i].job as Queued)[ENTRY] = null;
        const last = heap.pop() as Entry;
        if (i === heap.length)
            return;
        heap[i] = last;
        last.index = i;
        this.#down(i);
        this.#up(last.index);
    }

    #up(i: number): void {
        const heap = this.#heap;
        const entry = heap[i];
        while (i > 0) {
            const parent = (i - 1) >> 1;
            if (!before(entry, heap[parent]))
                break;
            heap[i] = heap[parent];
            heap[i].index = i;
            i = parent;
        }
        heap[i] = entry;
        entry.index = i;
    }

    #down(i: number): void {
        const heap = this.#heap;
        const entry = heap[i];
        const n = heap.length;
        for (;;) {
            let child = 2 * i + 1;
            if (child >= n)
                break;
            if (child + 1 < n && before(heap[child + 1], heap[child]))
                child++;
            if (!before(heap[child], entry))
                break;
            heap[i] = heap[child];
            heap[i].index = i;
            i = child;
        }
        heap[i] = entry;
        entry.index = i;
    }
}
