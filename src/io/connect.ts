/**
 * Opening a client connection without blocking the loop: resolve the name
 * (`Gio.Resolver`, asynchronously; IP literals and Unix paths need no
 * lookup), then try each address in turn, IPv6 first, with a non-blocking
 * `Gio.Socket.connect()` whose completion is an fd watch for writability
 * (re-armed if GJS drops it, see watch.ts) and `check_connect_result()`.
 * The first error is the one reported when every address fails.
 *
 * The name lookup is the one step that needs a Gio async callback; GJS 1.74
 * may refuse it during a GC and it would then never come, so a lookup that
 * gives no answer in {@link DNS_DEADLINE} seconds fails the connect instead
 * of hanging it.
 * @module
 */
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import { InProgress, onAbort } from '../async/inprogress.js';
import { SocketError } from '../notifier/errors.js';
import { defer, entryIn, scheduler } from '../notifier/scheduler.js';
import { reportException } from '../notifier/sources.js';
import { literalAddress, type ParsedAddress } from './address.js';
import { FdWatch, closeSocket, isCancelled } from './watch.js';

/** Seconds a name lookup may take before connect() gives up on it. */
export const DNS_DEADLINE = 60;

function message(error: unknown): string {
    return String((error as { message?: unknown })?.message ?? error);
}

/** The socket addresses to try for `target`, IPv6 first (in the resolver's order otherwise). */
function resolve(target: ParsedAddress & { kind: 'tcp' }, host: string, cancellable: Gio.Cancellable,
    done: (addresses: Gio.SocketAddress[] | null, error: unknown) => void): () => void {
    if (literalAddress(host) !== null) {
        done([Gio.InetSocketAddress.new_from_string(host, target.port) as Gio.SocketAddress], null);
        return () => undefined;
    }
    let settled = false;
    const settle = (addresses: Gio.SocketAddress[] | null, error: unknown) => {
        if (settled)
            return;
        settled = true;
        scheduler.remove(deadline);
        done(addresses, error);
    };
    const deadline = entryIn(DNS_DEADLINE, () => {
        cancellable.cancel();
        settle(null, new Error(`the lookup of ${JSON.stringify(host)} gave no answer in ${DNS_DEADLINE} s`));
    });
    scheduler.add(deadline);
    Gio.Resolver.get_default().lookup_by_name_async(host, cancellable, (resolver, result) => {
        try {
            let list: Gio.InetAddress[];
            try {
                list = (resolver as Gio.Resolver).lookup_by_name_finish(result);
            } catch (error) {
                settle(null, error);
                return;
            }
            const v6 = list.filter(a => a.get_family() === Gio.SocketFamily.IPV6);
            const rest = list.filter(a => a.get_family() !== Gio.SocketFamily.IPV6);
            settle([...v6, ...rest].map(a => new Gio.InetSocketAddress({ address: a, port: target.port })), null);
        } catch (error) {
            reportException(error);
        }
    });
    return () => settle(null, null);
}

/**
 * Connects to `target`.
 * @returns an InProgress of the connected (non-blocking) `Gio.Socket`; it
 *   fails with a SocketError naming the address; `abort()` stops the attempt.
 * @internal
 */
export function connectTo(target: ParsedAddress): InProgress<Gio.Socket> {
    const ip = new InProgress<Gio.Socket>({ name: `Socket.connect(${JSON.stringify(target.text)})` });
    const cancellable = new Gio.Cancellable();
    let watch: FdWatch | null = null;
    let socket: Gio.Socket | null = null;
    let firstError: unknown = null;
    const fail = (error: unknown) => {
        if (!ip.finished) {
            ip.throw(new SocketError(`Socket.connect(): cannot connect to ${target.text}: ${message(error)}`,
                { cause: error }));
        }
    };
    const tryNext = (addresses: Gio.SocketAddress[]): void => {
        const address = addresses.shift();
        if (!address) {
            fail(firstError ?? new Error('no address to connect to'));
            return;
        }
        const next = (error: unknown) => {
            firstError ??= error;
            closeSocket(socket, 'Socket.connect()');
            socket = null;
            tryNext(addresses);
        };
        try {
            socket = Gio.Socket.new(address.get_family(), Gio.SocketType.STREAM, Gio.SocketProtocol.DEFAULT);
            socket.set_blocking(false);
            socket.connect(address, null);
            ip.finish(socket);
            return;
        } catch (error) {
            if (!(error instanceof GLib.Error && error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.PENDING)) || !socket) {
                next(error);
                return;
            }
        }
        const pending = socket;
        watch = new FdWatch(pending.get_fd(), GLib.IOCondition.OUT, () => {
            watch = null;
            try {
                pending.check_connect_result();
            } catch (error) {
                next(error);
                return false;
            }
            ip.finish(pending);
            return false;
        }, 'io-connect');
        watch.start();
    };
    let cancel: () => void = () => undefined;
    onAbort(ip as InProgress<unknown>, () => {
        cancellable.cancel();
        cancel();
        watch?.stop();
        closeSocket(socket, 'Socket.connect()');
    });
    // Started from the loop, never inside connect(): an InProgress that failed
    // before the caller could await it would be reported as unhandled.
    defer(() => {
        if (ip.finished)
            return;
        if (target.kind === 'unix') {
            tryNext([Gio.UnixSocketAddress.new(target.path)]);
            return;
        }
        cancel = resolve(target, target.host ?? 'localhost', cancellable, (addresses, error) => {
            if (addresses)
                tryNext(addresses);
            else if (error !== null && !isCancelled(error))
                fail(error);
        });
    });
    return ip;
}
