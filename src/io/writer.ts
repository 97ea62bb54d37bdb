/**
 * The writing half of an IOChannel: the write queue and the flush loop.
 *
 * `write()` tries the OS at once when nothing is queued ahead (no loop
 * iteration is spent on a write the fd takes now); the rest is written when
 * the transport says the fd (or stream) has room. A write attempt hands at
 * most 64 KiB–1 MiB (doubling while the fd takes all it is given), since GJS
 * copies the whole array argument on every call. A failure met inside
 * `write()` itself is handled from the loop in the next iteration, so the
 * caller never sees `closed` emitted under its feet.
 * @module
 */
import { InProgress, onAbort } from '../async/inprogress.js';
import { defer } from '../notifier/scheduler.js';
import type { Transport } from './transport.js';
import { WriteQueue } from './write-queue.js';

const MIN_ATTEMPT = 64 * 1024;
const MAX_ATTEMPT = 1024 * 1024;

/** What a ChannelWriter tells its channel. @internal */
export interface WriterEvents {
    /** The queue was flushed (the channel may finish a deferred close). */
    drained(): void;
    /** A write failed with `failure`; the channel closes. */
    failed(transport: Transport, failure: unknown): void;
}

/** The writing half of one channel. @internal */
export class ChannelWriter {
    readonly #events: WriterEvents;
    #queue = new WriteQueue();
    #transport: Transport | null = null;
    #paused = false;
    #flushing = false;
    #waiting = false;
    #attempt = MIN_ATTEMPT;
    #broken = false;

    /** @param events - the channel's drained and failed handlers. */
    constructor(events: WriterEvents) {
        this.#events = events;
    }

    /** Bytes not yet handed to the OS. */
    get size(): number {
        return this.#queue.size;
    }

    /** Writes not yet finished. */
    get length(): number {
        return this.#queue.length;
    }

    /** Writes through `transport` from now on (what is queued first). */
    attach(transport: Transport): void {
        this.#transport = transport;
        this.#paused = false;
        this.#waiting = false;
        this.#broken = false;
        if (this.#queue.length)
            this.flush();
    }

    /** Stops writing until the next `attach()` (the TLS handshake); writes keep queueing. */
    pause(): void {
        this.#paused = true;
        this.#waiting = false;
        this.#transport?.stopWaitingWritable();
    }

    /** Forgets the transport; the queued writes fail with `error` (taken: nobody is told twice). */
    close(error: Error): void {
        this.#transport = null;
        this.#waiting = false;
        for (const w of this.#queue.drain()) {
            w.ip.throw(error);
            void w.ip.exception;
        }
    }

    /** Takes over another writer's queue (IOChannel.steal()). */
    take(other: ChannelWriter): void {
        [this.#queue, other.#queue] = [other.#queue, new WriteQueue()];
    }

    /**
     * Queues `bytes` (checked: not empty, within the limit) and tries the OS at once.
     * @returns the write's InProgress.
     */
    write(bytes: Uint8Array): InProgress<number> {
        const ip = new InProgress<number>({ name: 'IOChannel.write()' });
        const item = this.#queue.push(bytes, ip);
        onAbort(ip as InProgress<unknown>, () => this.#queue.remove(item));
        if (!this.#waiting)
            this.flush(true);
        return ip;
    }

    /** Hands queued bytes to the OS until it takes no more. */
    flush(fromWrite = false): void {
        const t = this.#transport;
        if (!t || this.#flushing || this.#paused || this.#broken)
            return;
        this.#flushing = true;
        let failure: unknown = null;
        try {
            for (;;) {
                const buf = this.#queue.next(this.#attempt);
                if (!buf)
                    break;
                let n = 0;
                try {
                    n = t.write(buf);
                } catch (error) {
                    failure = error;
                    break;
                }
                if (n > 0) {
                    this.#attempt = Math.min(MAX_ATTEMPT, Math.max(MIN_ATTEMPT, 2 * n));
                    for (const done of this.#queue.consume(n))
                        done.ip.finish(done.data.length);
                    if (this.#transport !== t || this.#paused)
                        return;
                }
                if (n < buf.length) {
                    this.#waiting = true;
                    t.waitWritable(this.#onWritable);
                    return;
                }
            }
        } finally {
            this.#flushing = false;
        }
        if (failure !== null) {
            this.#broken = true;
            if (fromWrite)
                defer(() => this.#events.failed(t, failure));
            else
                this.#events.failed(t, failure);
            return;
        }
        this.#events.drained();
    }

    readonly #onWritable = (): void => {
        this.#waiting = false;
        this.flush();
    };
}
