/**
 * The read queue of an IOChannel: the chunks read from the OS that nobody
 * has taken yet, and the line splitting of `readline()`.
 *
 * Chunks are kept as they were read (no copy); taking bytes returns a view
 * when they lie in one chunk and copies only across chunk boundaries. The
 * line search remembers how far it has looked, so a long line arriving in
 * many chunks is scanned once, not once per chunk.
 * @module
 */
import { describeValue } from '../notifier/errors.js';

/** A line delimiter: a string (UTF-8), bytes, or a list of them (the earliest match wins, the longest on a tie). */
export type Delimiter = string | Uint8Array | readonly (string | Uint8Array)[];

const encoder = new TextEncoder();

/**
 * Turns a delimiter option into the byte sequences to look for.
 * @throws TypeError naming the value for anything but a non-empty string or
 *   Uint8Array, or a non-empty list of them.
 * @internal
 */
export function compileDelimiter(value: unknown, what: string): Uint8Array[] {
    const one = (d: unknown): Uint8Array => {
        const bytes = typeof d === 'string' ? encoder.encode(d) : d instanceof Uint8Array ? d.slice() : null;
        if (bytes === null || bytes.length === 0) {
            throw new TypeError(`${what}: \`delimiter\` must be a non-empty string or Uint8Array, or a list of them ` +
                `(got ${describeValue(value)})`);
        }
        return bytes;
    };
    if (Array.isArray(value)) {
        if (value.length === 0)
            throw new TypeError(`${what}: \`delimiter\` must not be an empty list`);
        return value.map(one);
    }
    return [one(value)];
}

/** Where the first line ends: `end` (exclusive, after the delimiter) and the delimiter's length. */
export interface LineEnd {
    end: number;
    delimiterLength: number;
}

/** The queue: chunks in order, `size` bytes in all. @internal */
export class ReadQueue {
    #chunks: Uint8Array[] = [];
    #size = 0;
    /** Positions below this start no delimiter (already searched). */
    #scanned = 0;

    /** Bytes queued. */
    get size(): number {
        return this.#size;
    }

    /** Appends a chunk (kept, not copied). */
    push(chunk: Uint8Array): void {
        if (!chunk.length)
            return;
        this.#chunks.push(chunk);
        this.#size += chunk.length;
    }

    /** Takes everything (empty when the queue is empty). */
    takeAll(): Uint8Array {
        return this.take(this.#size);
    }

    /** Takes the first `n` bytes (n <= size). */
    take(n: number): Uint8Array {
        const chunks = this.#chunks;
        this.#size -= n;
        this.#scanned = Math.max(0, this.#scanned - n);
        if (n === 0)
            return new Uint8Array(0);
        const first = chunks[0];
        if (n <= first.length) {
            if (n === first.length)
                chunks.shift();
            else
                chunks[0] = first.subarray(n);
            return n === first.length ? first : first.subarray(0, n);
        }
        const out = new Uint8Array(n);
        let at = 0;
        while (at < n) {
            const c = chunks[0];
            const want = n - at;
            if (c.length <= want) {
                out.set(c, at);
                at += c.length;
                chunks.shift();
            } else {
                out.set(c.subarray(0, want), at);
                chunks[0] = c.subarray(want);
                at = n;
            }
        }
        return out;
    }

    /** The byte at `index` (< size). */
    byteAt(index: number): number {
        for (const c of this.#chunks) {
            if (index < c.length)
                return c[index];
            index -= c.length;
        }
        throw new RangeError(`ReadQueue.byteAt(): ${index} is beyond the queue`);
    }

    /**
     * Where to cut the first part of a line longer than `limit` bytes (no
     * delimiter queued): at most `limit` bytes, never inside a delimiter that
     * may still be arriving (the last `longest - 1` bytes) nor, with
     * `utf8`, inside a character.
     * With `found` (a delimiter that ends beyond `limit`), the part ends
     * before that delimiter at the latest.
     * @returns the part's length, >= 1.
     */
    partLength(limit: number, longest: number, utf8: boolean, found: LineEnd | null): number {
        let n = Math.min(limit, this.#size);
        if (found !== null)
            n = Math.min(n, found.end - found.delimiterLength);
        else if (n === this.#size && longest > 1 && this.#size - longest + 1 >= 1)
            n = this.#size - longest + 1;
        if (utf8 && n < this.#size) {
            let back = n;
            while (back > 0 && n - back < 3 && (this.byteAt(back) & 0xc0) === 0x80)
                back--;
            if (back > 0)
                n = back;
        }
        return n;
    }

    /** Empties the queue. */
    clear(): void {
        this.#chunks = [];
        this.#size = 0;
        this.#scanned = 0;
    }

    /**
     * Finds the end of the first complete line: the earliest delimiter match
     * (the longest one when several start at the same byte).
     * @returns where it ends, or `null` when no delimiter is queued yet.
     */
    findLine(delimiters: readonly Uint8Array[]): LineEnd | null {
        let best: LineEnd | null = null;
        let bestStart = Infinity;
        let longest = 1;
        for (const d of delimiters) {
            longest = Math.max(longest, d.length);
            const start = this.#find(d, this.#scanned, bestStart + 1);
            if (start >= 0 && (start < bestStart || (start === bestStart && d.length > (best?.delimiterLength ?? 0)))) {
                bestStart = start;
                best = { end: start + d.length, delimiterLength: d.length };
            }
        }
        if (best === null)
            this.#scanned = Math.max(this.#scanned, this.#size - longest + 1);
        return best;
    }

    /** The first position >= from (and < limit) where `d` starts, or -1. */
    #find(d: Uint8Array, from: number, limit: number): number {
        const first = d[0];
        let base = 0;
        for (let i = 0; i < this.#chunks.length && base < limit; i++) {
            const c = this.#chunks[i];
            let at = Math.max(0, from - base);
            while (at < c.length) {
                const hit = c.indexOf(first, at);
                if (hit < 0 || base + hit >= limit)
                    break;
                if (base + hit + d.length > this.#size)
                    return -1;
                if (d.length === 1 || this.#matchesAt(d, i, hit))
                    return base + hit;
                at = hit + 1;
            }
            base += c.length;
        }
        return -1;
    }

    /** True when `d` is found starting at chunk `i`, offset `at` (possibly spanning chunks). */
    #matchesAt(d: Uint8Array, i: number, at: number): boolean {
        let c = this.#chunks[i];
        for (let k = 0; k < d.length; k++, at++) {
            while (at >= c.length) {
                at -= c.length;
                c = this.#chunks[++i];
            }
            if (c[at] !== d[k])
                return false;
        }
        return true;
    }
}
