/**
 * The one place kaa reports an error it cannot propagate: a signal callback
 * that threw, a failure nobody took. Everything goes to stderr through GJS's
 * `printerr`, with the context first, then the error, its stack and its
 * `cause` chain.
 * @module
 */
import { describeValue } from './errors.js';

const MAX_CAUSES = 8;

/**
 * Prints an error kaa caught but cannot hand to anyone, with what kaa was
 * doing, the error's stack and its causes.
 * @param error - the caught value (an `Error`, a `GLib.Error` or anything thrown).
 * @param context - what kaa was doing, e.g. `'a callback of Signal.emit() threw'`.
 * @example
 * try { cb(); } catch (e) { logException(e, 'a deferred call threw'); }
 */
export function logException(error: unknown, context: string): void {
    const lines = [`kaa: ${context}: ${formatError(error)}`];
    let cause = causeOf(error);
    for (let i = 0; cause !== undefined && i < MAX_CAUSES; i++) {
        lines.push(`Caused by: ${formatError(cause)}`);
        cause = causeOf(cause);
    }
    printerr(lines.join('\n'));
}

/** Formats an `Error`, a `GLib.Error` (not an `Error` in GJS, but it has `message` and `stack`) or any value. */
function formatError(error: unknown): string {
    if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string')
        return `${describeValue(error)} was thrown`;
    const { stack } = error as { stack?: unknown };
    const head = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return typeof stack === 'string' && stack ? `${head}\n${stack.trimEnd()}` : head;
}

function causeOf(error: unknown): unknown {
    return error instanceof Error ? error.cause : undefined;
}
