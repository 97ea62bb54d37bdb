/**
 * Socket addresses: what `Socket.connect()` and `Socket.listen()` accept,
 * and how `local`/`peer` are reported.
 *
 * - a number: a TCP port (all interfaces for `listen()`, `localhost` for `connect()`);
 * - `'host:port'`, `'[v6]:port'` (`'[fe80::1%eth0]:80'`), `':port'`: TCP;
 * - a string containing `/`: a Unix socket path (`'./app.sock'` is relative).
 * @module
 */
import Gio from 'gi://Gio';
import { describeValue } from '../notifier/errors.js';

/** What `connect()`/`listen()` accept: a port, `'host:port'`, `'[v6]:port'`, or a Unix path with a `/`. */
export type Address = number | string;

/** `local`/`peer`: `{host, port}` for TCP, `{path}` for a Unix socket. */
export type SocketAddressInfo = { host: string; port: number } | { path: string };

/** A parsed address. @internal */
export type ParsedAddress = { kind: 'tcp'; host: string | null; port: number; text: string } | { kind: 'unix'; path: string; text: string };

function port(value: string | number, address: unknown, what: string): number {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
        throw new TypeError(`${what}: the port of ${describeValue(address)} must be an integer from 0 to 65535`);
    return n;
}

/**
 * Parses an address.
 * @param address - a port, `'host:port'`, `'[v6]:port'` or a path with a `/`.
 * @param what - the caller, for messages.
 * @returns the parsed address.
 * @throws TypeError naming the value when it is none of these.
 * @internal
 */
export function parseAddress(address: unknown, what: string): ParsedAddress {
    if (typeof address === 'number')
        return { kind: 'tcp', host: null, port: port(address, address, what), text: `port ${address}` };
    if (typeof address === 'string') {
        if (address.includes('/'))
            return { kind: 'unix', path: address, text: address };
        let m = /^\[([^\]]+)\]:(\d+)$/.exec(address);
        if (m)
            return { kind: 'tcp', host: m[1], port: port(m[2], address, what), text: address };
        m = /^([^:[\]]*):(\d+)$/.exec(address);
        if (m)
            return { kind: 'tcp', host: m[1] || null, port: port(m[2], address, what), text: address };
        if (/^\d+$/.test(address))
            return { kind: 'tcp', host: null, port: port(address, address, what), text: `port ${address}` };
    }
    throw new TypeError(`${what}: \`address\` must be a port number, 'host:port', '[v6]:port' or a Unix socket path ` +
        `containing '/' (got ${describeValue(address)})`);
}

/**
 * Describes a Gio socket address for `local`/`peer`.
 * @internal
 */
export function describeSocketAddress(address: Gio.SocketAddress | null): SocketAddressInfo | null {
    if (address instanceof Gio.InetSocketAddress)
        return { host: address.get_address().to_string(), port: address.get_port() };
    if (address instanceof Gio.UnixSocketAddress)
        return { path: address.get_path() };
    return null;
}

/** The IP address in `host` when it is a literal (`'::1'`, `'127.0.0.1'`, `'fe80::1%eth0'`), else null. @internal */
export function literalAddress(host: string): Gio.InetAddress | null {
    return Gio.InetAddress.new_from_string(host.replace(/%.*$/, ''));
}
