/**
 * The write queue of an IOChannel: the writes not yet handed to the OS,
 * each with the InProgress its `write()` returned.
 *
 * GJS copies a `Uint8Array` argument into C memory on every call, so a write
 * attempt hands at most `max` bytes to the OS (the channel adapts `max` to
 * what the fd takes), never the rest of an 8 MiB buffer each time. Small
 * queued writes (lines) are joined into one attempt. After an attempt that
 * wrote nothing (`WOULD_BLOCK`) the next one is the very same buffer: a TLS
 * stream requires that a write it refused is repeated as it was.
 * @module
 */
import type { InProgress } from '../async/inprogress.js';

/** Below this many bytes left in the first write, following writes are joined into one attempt. */
const JOIN_BELOW = 16 * 1024;

/** One `write()` call. @internal */
export interface QueuedWrite {
    readonly data: Uint8Array;
    written: number;
    readonly ip: InProgress<number>;
}

/** The queue. @internal */
export class WriteQueue {
    #items: QueuedWrite[] = [];
    #size = 0;
    #attempt: Uint8Array | null = null;

    /** Bytes not yet written. */
    get size(): number {
        return this.#size;
    }

    /** Writes not yet finished. */
    get length(): number {
        return this.#items.length;
    }

    /** Queues `data` for `ip`. */
    push(data: Uint8Array, ip: InProgress<number>): QueuedWrite {
        const item: QueuedWrite = { data, written: 0, ip };
        this.#items.push(item);
        this.#size += data.length;
        return item;
    }

    /** Removes a write no byte of which was handed to the OS yet; false otherwise. */
    remove(item: QueuedWrite): boolean {
        const i = this.#items.indexOf(item);
        if (i < 0 || item.written > 0 || (this.#attempt !== null && i === 0))
            return false;
        this.#items.splice(i, 1);
        this.#size -= item.data.length;
        return true;
    }

    /**
     * The bytes of the next write attempt (at most `max`), or `null` when the
     * queue is empty. The writes it covers can no longer be aborted.
     */
    next(max: number): Uint8Array | null {
        if (this.#attempt !== null)
            return this.#attempt;
        const items = this.#items;
        if (!items.length)
            return null;
        const head = items[0];
        const rest = head.data.length - head.written;
        let attempt: Uint8Array;
        if (rest >= JOIN_BELOW || items.length === 1) {
            attempt = head.data.subarray(head.written, head.written + Math.min(rest, max));
            head.ip.abortable = false;
        } else {
            attempt = new Uint8Array(Math.min(this.#size, max));
            let at = 0;
            for (let i = 0; i < items.length && at < attempt.length; i++) {
                const it = items[i];
                const part = it.data.subarray(it.written, it.written + attempt.length - at);
                attempt.set(part, at);
                at += part.length;
                it.ip.abortable = false;
            }
        }
        this.#attempt = attempt;
        return attempt;
    }

    /**
     * Marks `n` bytes of the last attempt written.
     * @returns the writes that are now complete, in order.
     */
    consume(n: number): QueuedWrite[] {
        if (n <= 0)
            return [];
        this.#attempt = null;
        this.#size -= n;
        const done: QueuedWrite[] = [];
        while (n > 0) {
            const item = this.#items[0];
            const left = item.data.length - item.written;
            if (n >= left) {
                n -= left;
                item.written = item.data.length;
                this.#items.shift();
                done.push(item);
            } else {
                item.written += n;
                n = 0;
            }
        }
        return done;
    }

    /** Empties the queue, returning what was in it (to fail those writes). */
    drain(): QueuedWrite[] {
        const items = this.#items;
        this.#items = [];
        this.#size = 0;
        this.#attempt = null;
        return items;
    }
}
