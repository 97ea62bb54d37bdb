/**
 * Opening listening sockets for `Socket.listen()` (synchronous, as kaa.base's).
 *
 * Unix socket files: a file left behind by a dead server (connecting to it
 * is refused) is replaced; one a server still answers on is refused with a
 * SocketError ("address in use"); any other file is never touched. The new
 * file gets its mode between `bind()` and `listen()`, before any client can
 * connect. TCP: a port alone binds `::` (IPv6 with IPv4-mapped addresses,
 * so every interface of both families), falling back to `0.0.0.0` where
 * IPv6 is off; addresses are bound with SO_REUSEADDR.
 *
 * The backlog (the kernel's queue of connections not accepted yet) defaults
 * to the system's maximum, `net.core.somaxconn` (4096 on Linux since 5.4):
 * a burst of clients then waits in the kernel instead of being reset. The
 * kernel caps any larger value to it anyway.
 * @module
 */
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import { SocketError } from '../notifier/errors.js';
import { literalAddress } from './address.js';
import { closeSocket } from './watch.js';

/** Options of {@link Socket.listen}. */
export interface ListenOptions {
    /**
     * The kernel's queue of connections not accepted yet; also the most
     * accepted clients kept for `accept()` while nobody takes them.
     * @default the system's maximum (`/proc/sys/net/core/somaxconn`, e.g. 4096; 128 when unreadable)
     */
    backlog?: number;
    /** The permissions of a Unix socket file. @default 0o600 */
    mode?: number;
}

/** The backlog when the system's maximum cannot be read: the classic SOMAXCONN. */
const FALLBACK_BACKLOG = 128;
let systemBacklog: number | null = null;

/**
 * The system's largest listen backlog (`/proc/sys/net/core/somaxconn`, read
 * once), or 128 when it cannot be read.
 * @internal
 */
export function defaultBacklog(): number {
    if (systemBacklog === null) {
        systemBacklog = FALLBACK_BACKLOG;
        try {
            const [, bytes] = GLib.file_get_contents('/proc/sys/net/core/somaxconn');
            const value = Number(new TextDecoder().decode(bytes).trim());
            if (Number.isInteger(value) && value > 0)
                systemBacklog = value;
        } catch {
            // no /proc: keep the fallback
        }
    }
    return systemBacklog;
}

/** A Unix socket bound at `path` with `mode`: a stale socket file is replaced, a live one refused. @internal */
export function listenUnix(path: string, mode: number): Gio.Socket {
    const file = Gio.File.new_for_path(path);
    if (GLib.file_test(path, GLib.FileTest.EXISTS) || GLib.file_test(path, GLib.FileTest.IS_SYMLINK)) {
        const type = file.query_info('standard::type', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null).get_file_type();
        if (type !== Gio.FileType.SPECIAL)
            throw new SocketError(`Socket.listen(): ${path} exists and is not a socket; not replacing it`);
        const probe = Gio.Socket.new(Gio.SocketFamily.UNIX, Gio.SocketType.STREAM, Gio.SocketProtocol.DEFAULT);
        let live = false;
        try {
            probe.set_blocking(false);
            probe.connect(Gio.UnixSocketAddress.new(path), null);
            live = true;
        } catch (error) {
            live = error instanceof GLib.Error && (error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.PENDING) ||
                error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.WOULD_BLOCK));
        } finally {
            closeSocket(probe, 'Socket.listen()');
        }
        if (live)
            throw new SocketError(`Socket.listen(): ${path}: address in use (a server is listening on it)`);
        file.delete(null);
    }
    const socket = Gio.Socket.new(Gio.SocketFamily.UNIX, Gio.SocketType.STREAM, Gio.SocketProtocol.DEFAULT);
    try {
        socket.bind(Gio.UnixSocketAddress.new(path), false);
        file.set_attribute_uint32('unix::mode', mode, Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
    } catch (error) {
        closeSocket(socket, 'Socket.listen()');
        throw error;
    }
    return socket;
}

/** A TCP socket bound to `host:port`, or every interface when `host` is null. @internal */
export function listenTcp(host: string | null, port: number): Gio.Socket {
    if (host === null) {
        try {
            return bound(new Gio.InetSocketAddress({ address: Gio.InetAddress.new_any(Gio.SocketFamily.IPV6), port }));
        } catch (error) {
            if (!(error instanceof GLib.Error && error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_SUPPORTED)))
                throw error;
            return bound(new Gio.InetSocketAddress({ address: Gio.InetAddress.new_any(Gio.SocketFamily.IPV4), port }));
        }
    }
    let address = literalAddress(host) ? Gio.InetSocketAddress.new_from_string(host, port) : null;
    if (!address) {
        const [first] = Gio.Resolver.get_default().lookup_by_name(host, null);
        address = new Gio.InetSocketAddress({ address: first, port });
    }
    return bound(address);
}

function bound(address: Gio.SocketAddress): Gio.Socket {
    const socket = Gio.Socket.new(address.get_family(), Gio.SocketType.STREAM, Gio.SocketProtocol.DEFAULT);
    try {
        socket.bind(address, true);
    } catch (error) {
        closeSocket(socket, 'Socket.listen()');
        throw error;
    }
    return socket;
}
