/**
 * `InProgressStatus`: how far some work has got (kaa.base's
 * `InProgressStatus`) — a position out of a maximum, the speed and the time
 * left. Coroutines made with `{progress: true}` get a fresh one as their
 * first argument; it is also their InProgress's `progress`.
 *
 * kaa.base's status was itself a Signal emitting itself on each update;
 * here it has `signals.updated(status)`, like every kaa object's signals.
 * Times are seconds on the monotonic clock.
 * @module
 */
import { preciseNow as now } from '../notifier/clock.js';
import { checkRange } from '../notifier/check.js';
import { describeValue } from '../notifier/errors.js';
import { Signal, Signals } from '../notifier/signals.js';

/** The signals of an {@link InProgressStatus}: `updated(status)`, after every `set()`/`update()`. */
export type InProgressStatusSignals = Signals<{ updated: [status: InProgressStatus] }>;

/** A plain copy of a status's numbers (what `toJSON()` returns). */
export interface InProgressStatusSnapshot {
    pos: number;
    max: number;
    speed: number;
    eta: number;
    percentage: number;
    elapsed: number;
}

function requireNumber(name: string, value: unknown): asserts value is number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
        throw new TypeError(`InProgressStatus: \`${name}\` must be a finite number >= 0 (got ${describeValue(value)})`);
}

/**
 * The progress of some work: `pos` out of `max` (0 = unknown), with the
 * average `speed` (units a second, unless set explicitly), `eta` and
 * `percentage`. Every `set()`/`update()` emits `signals.updated(status)`.
 * @example
 * const status = new InProgressStatus(200);
 * status.signals.updated.connect(s => print(s.getProgressbar(30), `${s.percentage}%`));
 * status.update(50); // [======>                     ] 25%
 */
export class InProgressStatus {
    /** `updated(status)`, emitted after every `set()` and `update()`. */
    readonly signals: InProgressStatusSignals = new Signals<{ updated: [status: InProgressStatus] }>({
        updated: new Signal<[status: InProgressStatus]>(),
    });

    #pos = 0;
    #max: number;
    #speed: number | null = null;
    readonly #startTime = now();

    /**
     * @param max - the position that means done; 0 when unknown.
     * @throws TypeError when `max` is not a finite number >= 0.
     */
    constructor(max = 0) {
        requireNumber('max', max);
        this.#max = max;
    }

    /** The current position. @default 0 */
    get pos(): number {
        return this.#pos;
    }

    /** The position that means done; 0 when unknown. */
    get max(): number {
        return this.#max;
    }

    /** When it was made, in seconds on the monotonic clock. */
    get startTime(): number {
        return this.#startTime;
    }

    /** Seconds since it was made. */
    get elapsed(): number {
        return now() - this.#startTime;
    }

    /** Units a second: the value last set, else `pos / elapsed`. */
    get speed(): number {
        if (this.#speed !== null)
            return this.#speed;
        const elapsed = this.elapsed;
        return elapsed > 0 ? this.#pos / elapsed : 0;
    }

    /** Seconds left at the current speed; 0 when unknown or done. */
    get eta(): number {
        const speed = this.speed;
        return speed > 0 && this.#max > this.#pos ? (this.#max - this.#pos) / speed : 0;
    }

    /** Whole percent done (0–100); 0 when `max` is unknown. */
    get percentage(): number {
        if (this.#max <= 0)
            return 0;
        return Math.min(100, Math.floor((100 * this.#pos) / this.#max));
    }

    /**
     * Sets any of position, maximum and speed (`null`/omitted leaves it), then
     * emits `updated`. A position beyond `max` raises `max` (when known).
     * @param pos - the new position.
     * @param max - the new maximum (0 = unknown).
     * @param speed - units a second, instead of the computed average.
     * @returns this status.
     * @throws TypeError when a value is not a finite number >= 0.
     * @example
     * status.set(0, file.size);
     */
    set(pos?: number | null, max?: number | null, speed?: number | null): this {
        if (max !== undefined && max !== null) {
            requireNumber('max', max);
            this.#max = max;
        }
        if (pos !== undefined && pos !== null) {
            requireNumber('pos', pos);
            this.#pos = pos;
        }
        if (speed !== undefined && speed !== null) {
            requireNumber('speed', speed);
            this.#speed = speed;
        }
        if (this.#max > 0 && this.#pos > this.#max)
            this.#max = this.#pos;
        this.signals.updated.emit(this);
        return this;
    }

    /**
     * Moves the position by `diff` and emits `updated`.
     * @param diff - how far it moved. @default 1
     * @param speed - units a second, instead of the computed average.
     * @returns this status.
     * @throws TypeError when `diff` is not a finite number.
     * @example
     * for (const chunk of chunks) { write(chunk); status.update(chunk.length); }
     */
    update(diff = 1, speed?: number | null): this {
        if (typeof diff !== 'number' || !Number.isFinite(diff))
            throw new TypeError(`InProgressStatus: \`diff\` must be a finite number (got ${describeValue(diff)})`);
        return this.set(Math.max(0, this.#pos + diff), null, speed);
    }

    /**
     * A text progress bar of `width` characters: `[=====>     ]`, all spaces
     * while `max` is unknown.
     * @param width - the length of the bar, brackets included. @default 70
     * @returns the bar.
     * @throws TypeError when `width` is not an integer >= 3; RangeError above 65536.
     * @example
     * print(status.getProgressbar(12)); // [====>     ]
     */
    getProgressbar(width = 70): string {
        if (!Number.isInteger(width) || width < 3)
            throw new TypeError(`getProgressbar(): \`width\` must be an integer >= 3 (got ${describeValue(width)})`);
        checkRange('getProgressbar()', 'width', width, 3, 65536);
        const inner = width - 2;
        if (this.#max <= 0)
            return `[${' '.repeat(inner)}]`;
        const done = Math.min(inner, Math.floor((inner * this.#pos) / this.#max));
        const bar = done >= inner ? '='.repeat(inner) : done > 0 ? `${'='.repeat(done - 1)}>` : '';
        return `[${bar}${' '.repeat(inner - bar.length)}]`;
    }

    /**
     * The numbers as a plain object (for logs and for sending to another process).
     * @returns `{pos, max, speed, eta, percentage, elapsed}`.
     * @example
     * print(JSON.stringify(status));
     */
    toJSON(): InProgressStatusSnapshot {
        return { pos: this.#pos, max: this.#max, speed: this.speed, eta: this.eta, percentage: this.percentage, elapsed: this.elapsed };
    }
}
