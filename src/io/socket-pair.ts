/**
 * `socketPair()`: two connected Unix stream sockets, for a link to a child
 * process (a worker) — larger buffers than a pipe's 64 KiB, both directions
 * on one fd, and a timed wait for input (`condition_timed_wait`).
 *
 * GIO has no `socketpair(2)`, so the pair is made the only other way a GJS
 * program can: a socket bound to a random name in Linux's abstract
 * namespace (no file, gone with the socket), one `connect()` from this
 * process, one `accept()`, and the listening socket is closed at once. The
 * accepted end must have been connected by this very process (its peer
 * credentials say so); anything else is closed and refused, so no other
 * process can take part. Both ends are close-on-exec.
 * @module
 */
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';

/** Linux's `SOL_SOCKET`, `SO_SNDBUF`, `SO_RCVBUF` (GLib does not export them). */
const SOL_SOCKET = 1, SO_SNDBUF = 7, SO_RCVBUF = 8;
/** The socket buffers asked for (the kernel caps them at `net.core.[wr]mem_max`, 208 KiB by default). */
const SOCKET_BUFFER = 4 * 1024 * 1024;
/** Connections accepted (and refused) at most before giving up. */
const MAX_ACCEPTS = 4;

const pid = Gio.Credentials.new().get_unix_pid();
let serial = 0;

/**
 * Asks for large send and receive buffers, so that a 1 MiB frame crosses in
 * one or two pieces instead of sixteen. Refusals are ignored (the default
 * buffers still work).
 * @param socket - a stream socket.
 * @internal
 */
export function enlargeSocketBuffers(socket: Gio.Socket): void {
    for (const option of [SO_SNDBUF, SO_RCVBUF]) {
        try {
            socket.set_option(SOL_SOCKET, option, SOCKET_BUFFER);
        } catch {
            // the defaults
        }
    }
}

function newSocket(): Gio.Socket {
    return Gio.Socket.new(Gio.SocketFamily.UNIX, Gio.SocketType.STREAM, Gio.SocketProtocol.DEFAULT);
}

function closeQuietly(socket: Gio.Socket | null): void {
    try {
        socket?.close();
    } catch {
        // already closed
    }
}

/**
 * Two connected Unix stream sockets with large buffers.
 * @returns `[a, b]`: what one end writes, the other reads.
 * @throws Error when the pair cannot be made (no Unix sockets, fd limit).
 * @internal
 * @example
 * const [mine, theirs] = socketPair();
 */
export function socketPair(): [Gio.Socket, Gio.Socket] {
    const name = `kaa-${pid}-${++serial}-${GLib.uuid_string_random()}`;
    const address = Gio.UnixSocketAddress.new_with_type([...new TextEncoder().encode(name)], Gio.UnixSocketAddressType.ABSTRACT);
    const listener = newSocket();
    let client: Gio.Socket | null = null;
    let accepted: Gio.Socket | null = null;
    try {
        listener.bind(address, false);
        listener.set_listen_backlog(MAX_ACCEPTS);
        listener.listen();
        client = newSocket();
        client.connect(address, null);
        for (let i = 0; i < MAX_ACCEPTS && accepted === null; i++) {
            const s = listener.accept(null);
            if (s.get_credentials().get_unix_pid() === pid)
                accepted = s;
            else
                closeQuietly(s); // another process raced in: refused
        }
        if (accepted === null)
            throw new Error('other processes kept connecting first');
    } catch (error) {
        closeQuietly(client);
        throw new Error(`kaa: cannot make a socket pair: ${(error as Error).message}`, { cause: error });
    } finally {
        closeQuietly(listener);
    }
    for (const s of [client, accepted]) {
        enlargeSocketBuffers(s);
        s.set_blocking(false);
    }
    return [accepted, client];
}

/**
 * A duplicate of `fd` on the lowest free fd, close-on-exec, owned by the
 * caller (`Gio.UnixFDList` dups with `F_DUPFD_CLOEXEC`).
 * @param fd - an open fd.
 * @returns the new fd.
 * @internal
 */
export function dupFd(fd: number): number {
    const list = new Gio.UnixFDList();
    list.append(fd);
    return list.steal_fds()[0];
}

/**
 * A duplicate of `socket`'s fd, owned by the caller (close-on-exec), e.g.
 * for `Gio.SubprocessLauncher.take_fd()`.
 * @param socket - the socket.
 * @returns the new fd.
 * @internal
 */
export function dupSocketFd(socket: Gio.Socket): number {
    return dupFd(socket.get_fd());
}
