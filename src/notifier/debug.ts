/**
 * kaa's debug mode (STYLE.md §6): when on, objects that can fail later (an
 * InProgress — so also a worker call's ThreadInProgress and a coroutine's
 * InProgress —, a Timer of any kind, an AtTimer) record the stack where they
 * were made. kaa prints it with the report of an InProgress failure nobody
 * handled, and when a timer's callback throws (whether or not a
 * `kaa.signals.exception` handler then takes the exception).
 *
 * It starts on when the environment has `KAA_DEBUG` set to anything but
 * `''`, `0`, `false`, `no` or `off`, and can be switched at run time with
 * {@link setDebug}. Recording a stack costs about a microsecond per object,
 * so it is off by default.
 * @module
 */
import GLib from 'gi://GLib';
import { describeValue } from './errors.js';

let debug = parse(GLib.getenv('KAA_DEBUG'));

function parse(value: string | null): boolean {
    return value !== null && !['', '0', 'false', 'no', 'off'].includes(value.trim().toLowerCase());
}

/**
 * Whether debug mode is on.
 * @returns true when objects record their creation stack.
 * @example
 * if (kaa.isDebug()) print('kaa debug mode');
 */
export function isDebug(): boolean {
    return debug;
}

/**
 * Switches debug mode on or off (it starts as `KAA_DEBUG` says). Objects
 * made while it is on record where they were made; failures nobody handled
 * are then reported with that stack.
 * @param on - true to record creation stacks.
 * @throws TypeError when `on` is not a boolean.
 * @example
 * kaa.setDebug(true);
 */
export function setDebug(on: boolean): void {
    if (typeof on !== 'boolean')
        throw new TypeError(`setDebug(): \`on\` must be a boolean (got ${describeValue(on)})`);
    debug = on;
}

/**
 * The current stack without this function's frame, when debug mode is on.
 * @param skip - further frames to leave out (the caller's own constructor…).
 * @returns the stack text, or `null` when debug mode is off.
 * @example
 * this.#createdAt = creationStack(1);
 */
export function creationStack(skip = 0): string | null {
    if (!debug)
        return null;
    const stack = new Error().stack ?? '';
    return stack.split('\n').slice(1 + skip).join('\n').trimEnd();
}

/**
 * Prints where `what` was made (its {@link creationStack}), if it recorded it.
 * @param what - names the object, e.g. `'the Timer whose callback threw'`.
 * @param createdAt - the recorded stack, or `null` (then nothing is printed).
 * @example
 * printCreationStack(`${this} failed and`, this.#createdAt);
 */
export function printCreationStack(what: string, createdAt: string | null): void {
    if (createdAt !== null)
        printerr(`kaa: ${what} was created at:\n${createdAt}`);
}
