/**
 * Small helpers over Gio streams that the transports share, each for a GJS
 * 1.74 quirk:
 *
 * - Interface methods are called through the interface's prototype: GJS
 *   wraps a private GType (GSocketInputStream, GTlsInputStream …) as its
 *   nearest public parent, whose wrapper lacks the methods of the interfaces
 *   the type implements (`stream.can_poll` is undefined on a socket stream,
 *   `Gio.PollableInputStream.prototype.can_poll.call(stream)` works).
 * - A `GLib.Bytes` keeps its C memory until the GC finalizes its wrapper,
 *   and GJS never frees it once any of its methods was called (`get_size()`
 *   kept all of 1 GiB read): data is only ever taken with `toArray()`, and
 *   {@link noteRead} finishes a GC after every {@link GC_EVERY} bytes read,
 *   which bounds the memory held by buffers nobody references any more.
 * @module
 */
import Gio from 'gi://Gio';
import system from 'system';

/** kaa finishes a GC after this many bytes read, to free the read buffers. */
export const GC_EVERY = 64 * 1024 * 1024;

let readSinceGc = 0;

/** Counts bytes read; finishes a GC every {@link GC_EVERY} bytes. @internal */
export function noteRead(n: number): void {
    readSinceGc += n;
    if (readSinceGc >= GC_EVERY) {
        readSinceGc = 0;
        system.gc();
    }
}

const canPollIn = Gio.PollableInputStream.prototype.can_poll;
const canPollOut = Gio.PollableOutputStream.prototype.can_poll;
const readable = Gio.PollableInputStream.prototype.is_readable;
const nonblocking = Gio.PollableOutputStream.prototype.write_nonblocking;

/** True when `stream` is pollable and can poll now. @internal */
export function pollable(stream: Gio.InputStream | Gio.OutputStream | null): boolean {
    if (stream instanceof Gio.InputStream)
        return stream instanceof Gio.PollableInputStream && canPollIn.call(stream);
    return stream instanceof Gio.PollableOutputStream && canPollOut.call(stream);
}

/** `g_pollable_input_stream_is_readable()`. @internal */
export function isReadable(stream: Gio.InputStream): boolean {
    return readable.call(stream as Gio.PollableInputStream);
}

/** `g_pollable_output_stream_write_nonblocking()` (throws `WOULD_BLOCK`). @internal */
export function writeNonblocking(stream: Gio.OutputStream, buf: Uint8Array): number {
    return nonblocking.call(stream as Gio.PollableOutputStream, buf, null);
}
