/**
 * What an IOChannel can wrap, and the {@link Transport} each becomes:
 *
 * | wrapped | kind | fd for readiness | closed with the channel (`closeFd`) |
 * | --- | --- | --- | --- |
 * | an fd (number, or `{fileno()}`) | fd | itself (set O_NONBLOCK) | `GLib.close(fd)` |
 * | Unix fd streams (pipes, e.g. a `Gio.Subprocess`'s), local file streams | fd | its fd (platform.ts) | the stream |
 * | `Gio.SocketConnection` (TCP, Unix) | fd | its socket's | the connection |
 * | `Gio.TlsConnection` | tls | its base socket's | the connection (and the socket) |
 * | any other `Gio.InputStream`/`OutputStream`/`IOStream` | stream | none | the stream |
 *
 * An fd is wrapped in Unix fd streams that do not own it (platform.ts); the
 * channel closes it once, after both. A Unix fd output stream is made
 * non-blocking (it is pollable and handles EAGAIN): a blocking pipe write
 * larger than the pipe's buffer would freeze the loop.
 * @module
 */
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import { describeValue } from '../notifier/errors.js';
import { isUnixStream, setFdNonblocking, streamFd, unixInputStream, unixOutputStream } from '../notifier/platform.js';
import { IO_READ, IO_WRITE } from './monitor.js';
import { Transport, type TransportKind } from './transport.js';
import { checkFdOpen, ignoreSigpipe, toFd } from './watch.js';

/** What an IOChannel wraps: an fd, an object with `fileno()`, or a Gio stream. */
export type ChannelSource = number | { fileno(): number } | Gio.InputStream | Gio.OutputStream | Gio.IOStream;

function closer(objects: (Gio.InputStream | Gio.OutputStream | Gio.IOStream | null)[]): () => void {
    return () => {
        let first: unknown = null;
        for (const o of objects) {
            try {
                o?.close(null);
            } catch (error) {
                first ??= error;
            }
        }
        if (first !== null)
            throw first;
    };
}

function fromFd(fd: number, mode: number, closeFd: boolean, what: string): Transport {
    checkFdOpen(fd, what);
    setFdNonblocking(fd, true);
    const input = mode & IO_READ ? unixInputStream(fd, false) : null;
    const output = mode & IO_WRITE ? unixOutputStream(fd, false) : null;
    return new Transport({ kind: 'fd', readFd: fd, writeFd: fd, input, output, label: `fd ${fd}`, close: () => {
        if (closeFd)
            GLib.close(fd);
    } });
}

function fromIOStream(stream: Gio.IOStream, mode: number, closeFd: boolean): Transport {
    let kind: TransportKind = 'stream';
    let fd = -1;
    if (stream instanceof Gio.TlsConnection) {
        kind = 'tls';
        const base = stream.baseIoStream;
        fd = base instanceof Gio.SocketConnection ? base.get_socket().get_fd() : -1;
    } else if (stream instanceof Gio.SocketConnection) {
        kind = 'fd';
        fd = stream.get_socket().get_fd();
    }
    const input = mode & IO_READ ? stream.get_input_stream() : null;
    const output = mode & IO_WRITE ? stream.get_output_stream() : null;
    let readFd = input ? fd : -1;
    let writeFd = output ? fd : -1;
    if (kind === 'stream') {
        // e.g. a Gio.SimpleIOStream over two pipes: fd kind when every stream used has an fd
        readFd = streamFd(input);
        writeFd = streamFd(output);
        if ((!input || readFd >= 0) && (!output || writeFd >= 0)) {
            kind = 'fd';
            if (isUnixStream(output))
                setFdNonblocking(writeFd, true);
        }
    }
    const label = `a ${stream.constructor.name.replace(/_/g, '.')}`;
    return new Transport({ kind, readFd, writeFd, input, output, label, close: closeFd ? closer([stream]) : () => undefined });
}

function fromStream(stream: Gio.InputStream | Gio.OutputStream, closeFd: boolean): Transport {
    const fd = streamFd(stream);
    if (fd >= 0 && stream instanceof Gio.OutputStream && isUnixStream(stream))
        setFdNonblocking(fd, true);
    const input = stream instanceof Gio.InputStream ? stream : null;
    const output = stream instanceof Gio.OutputStream ? stream : null;
    const label = fd >= 0 ? `fd ${fd}` : `a ${stream.constructor.name.replace(/_/g, '.')}`;
    return new Transport({ kind: fd >= 0 ? 'fd' : 'stream', readFd: input ? fd : -1, writeFd: output ? fd : -1, input, output, label,
        close: closeFd ? closer([stream]) : () => undefined });
}

/**
 * Builds the transport for `source`.
 * @param mode - `IO_READ | IO_WRITE` flags; for a stream, intersected with what it can do.
 * @throws TypeError naming the value for anything that is not an fd or a Gio
 *   stream; Error for a closed fd.
 * @internal
 */
export function openTransport(source: unknown, mode: number, closeFd: boolean, what: string): Transport {
    ignoreSigpipe();
    if (source instanceof Gio.IOStream)
        return fromIOStream(source, mode, closeFd);
    if (source instanceof Gio.InputStream || source instanceof Gio.OutputStream)
        return fromStream(source, closeFd);
    if (typeof source === 'number' || (typeof source === 'object' && source !== null && 'fileno' in source))
        return fromFd(toFd(source, what), mode, closeFd, what);
    throw new TypeError(`${what}: expected a file descriptor, an object with fileno(), or a Gio.InputStream, ` +
        `Gio.OutputStream or Gio.IOStream (got ${describeValue(source)})`);
}
