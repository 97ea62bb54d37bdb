/**
 * `Socket`: a TCP or Unix stream socket as an IOChannel (kaa.base's
 * `kaa.Socket`): `connect()`, `listen()`/`accept()`, `startTls()`.
 *
 * A listening socket is a non-blocking `Gio.Socket` whose fd watch accepts
 * clients as they come (`autoAccept`, the default) or only for pending
 * `accept()` calls. Every accepted or connected socket becomes a
 * `Gio.SocketConnection` that the channel reads and writes through fd
 * watches (see transport.ts); `startTls()` wraps that connection in a
 * `Gio.TlsConnection` and the channel carries on over it. kaa never opens a
 * listening socket unless `listen()` is called.
 *
 * Unix socket files: a file left behind by a dead server is replaced; one a
 * server still answers on is refused (`SocketError`, "address in use"); any
 * other file is never touched. The file is created with mode 0600 (set
 * between `bind()` and `listen()`, before any client can connect) unless
 * `listen(path, {mode})` says otherwise, and removed when the socket closes.
 * @module
 */
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import { InProgress, onAbort } from '../async/inprogress.js';
import { MAX_INT, MAX_SECONDS, checkOptionsObject, checkRange } from '../notifier/check.js';
import { SocketError, describeValue } from '../notifier/errors.js';
import { reportException } from '../notifier/sources.js';
import { AcceptBackoff } from './accept.js';
import { describeSocketAddress, parseAddress, type Address, type SocketAddressInfo } from './address.js';
import { IOChannel, extraSignals, setTransport, type CloseOptions, type IOChannelOptions, type IOChannelSignalMap } from './channel.js';
import { connectTo } from './connect.js';
import { IO_READ, IO_WRITE } from './monitor.js';
import { openTransport } from './source.js';
import { handshake, tlsConnection, tlsTimeout, type TlsOptions } from './tls.js';
import { defaultBacklog, listenTcp, listenUnix, type ListenOptions } from './listen.js';

export type { ListenOptions } from './listen.js';
import { FdWatch, closeSocket, isWouldBlock } from './watch.js';

/** Options of the {@link Socket} constructor: the IOChannel options (but `mode`) and `autoAccept`. */
export interface SocketOptions extends Omit<IOChannelOptions, 'mode'> {
    /** Accept clients as they come (emitting `newClient`); else only for `accept()` calls. @default true */
    autoAccept?: boolean;
}

/** The options the constructor reads. */
const SOCKET_OPTIONS = ['chunkSize', 'delimiter', 'queueSize', 'maxLineLength', 'encoding', 'closeFd', 'autoAccept'];

/** The options `startTls()` reads. */
const TLS_OPTIONS = ['server', 'serverName', 'verify', 'ca', 'certificate', 'key', 'timeout'];

/** The signals of a Socket: the IOChannel's, `newClient(client)` and `newClientConnecting()`. */
export interface SocketSignalMap<Line extends string | Uint8Array = string> extends IOChannelSignalMap<Line> {
    newClient: [client: Socket<Line>];
    newClientConnecting: [];
    /** A listening socket's accept() failed (EMFILE …): it backs off and tries again; see accept.ts. */
    acceptError: [error: SocketError];
}

interface Listener {
    socket: Gio.Socket;
    watch: FdWatch;
    path: string | null;
    backlog: number;
    backoff: AcceptBackoff;
}

/** A SocketError for `what` failing on `address`, with the GLib error as cause. */
function socketError(what: string, address: string, error: unknown): SocketError {
    return new SocketError(`Socket.${what}: ${address}: ${(error as Error).message ?? String(error)}`, { cause: error });
}

/**
 * A stream socket: connect it, or listen and get clients, then read and
 * write it as an IOChannel.
 * @example
 * const server = new kaa.Socket();
 * server.listen('127.0.0.1:12345');      // this machine only; listen(12345) is every interface
 * server.signals.newClient.connect(client => {
 *     client.signals.readline.connect(line => client.write(line));
 * });
 * const client = new kaa.Socket();
 * await client.connect('localhost:12345');
 * await client.write('hello\n');
 */
export class Socket<Line extends string | Uint8Array = string> extends IOChannel<Line, SocketSignalMap<Line>> {
    static readonly [extraSignals] = ['newClient', 'newClientConnecting', 'acceptError'];
    readonly #options: SocketOptions;
    #autoAccept = true;
    #listener: Listener | null = null;
    #connecting: InProgress<void> | null = null;
    #connection: Gio.SocketConnection | null = null;
    #tls: Gio.TlsConnection | null = null;
    #target: { host: string; port: number } | null = null;
    #local: SocketAddressInfo | null = null;
    #peer: SocketAddressInfo | null = null;
    #accepts: InProgress<Socket<Line>>[] = [];
    #unclaimed: Socket<Line>[] = [];

    /**
     * @param options - the IOChannel options (`chunkSize`, `delimiter`,
     *   `queueSize`, `encoding`) for this socket and its clients, and `autoAccept`.
     * @throws TypeError naming a bad or unknown option; RangeError for a size beyond its maximum.
     */
    constructor(options: SocketOptions = {}) {
        checkOptionsObject('Socket', options, SOCKET_OPTIONS);
        const { autoAccept: _, ...channelOptions } = options;
        super(null, channelOptions);
        this.autoAccept = options.autoAccept ?? true;
        this.#options = { ...options };
    }

    /**
     * Accept clients as they come (emitting `newClientConnecting`, then
     * `newClient`); else only for `accept()` calls.
     * @default true
     * @throws TypeError (on set) unless a boolean.
     */
    get autoAccept(): boolean {
        return this.#autoAccept;
    }

    set autoAccept(value: boolean) {
        if (typeof value !== 'boolean')
            throw new TypeError(`Socket: \`autoAccept\` must be a boolean (got ${describeValue(value)})`);
        this.#autoAccept = value;
        if (value && this.#listener && !this.#listener.backoff.paused)
            this.#listener.watch.start();
    }

    /** True while listening. */
    get listening(): boolean {
        return this.#listener !== null;
    }

    /** True while `connect()` is under way. */
    get connecting(): boolean {
        return this.#connecting !== null;
    }

    /** True while connected (the channel is open). */
    get connected(): boolean {
        return this.#connection !== null && this.alive;
    }

    /** True while listening or connected. */
    override get alive(): boolean {
        return this.#listener !== null || super.alive;
    }

    /** True once `startTls()` succeeded. */
    get tls(): boolean {
        return this.#tls !== null && super.alive;
    }

    /** This end's address: `{host, port}` or `{path}`; null before listen/connect. */
    get local(): SocketAddressInfo | null {
        return this.#local;
    }

    /** The other end's address: `{host, port}` or `{path}`; null unless connected or accepted. */
    get peer(): SocketAddressInfo | null {
        return this.#peer;
    }

    /**
     * Connects to `address`: a name is looked up without blocking, IPv6
     * addresses are tried first, then the others, until one accepts.
     * @param address - `'host:port'`, `'[v6]:port'`, a port on localhost, or a Unix path.
     * @returns an InProgress finished once connected; it fails with a
     *   SocketError (the first address's error as `cause`); `abort()` stops it.
     * @throws TypeError for an unparseable address; SocketError when already
     *   connected, connecting or listening.
     * @example
     * await socket.connect('example.com:80');
     */
    connect(address: Address): InProgress<void> {
        const target = parseAddress(address, 'Socket.connect()');
        this.#checkIdle('connect()');
        const ip = new InProgress<void>({ name: `Socket.connect(${JSON.stringify(target.text)})` });
        const attempt = connectTo(target);
        this.#connecting = ip;
        if (target.kind === 'tcp')
            this.#target = { host: target.host ?? 'localhost', port: target.port };
        onAbort(ip as InProgress<unknown>, () => {
            this.#connecting = null;
            if (!attempt.finished)
                attempt.abort();
        });
        attempt.connectBoth(socket => {
            if (this.#connecting !== ip) {
                closeSocket(socket, 'Socket.connect()');
                return;
            }
            this.#connecting = null;
            this.#adopt(socket);
            ip.finish(undefined);
        }, error => {
            if (this.#connecting !== ip)
                return;
            this.#connecting = null;
            ip.throw(error);
        });
        return ip;
    }

    /**
     * Listens on `address` (synchronously: a host name is looked up blocking).
     * A port alone (or `':port'`) listens on every interface, IPv6 and IPv4:
     * other machines can connect. Give `'127.0.0.1:port'` (or `'[::1]:port'`)
     * for this machine only.
     * @param address - a port, `'host:port'`, `'[v6]:port'` or a Unix path.
     * @param options - `{backlog = system maximum, mode = 0o600}`.
     * @throws TypeError for a bad address or a bad or unknown option; RangeError for a `backlog` above 2**31 - 1; SocketError when the
     *   address cannot be used (in use, a live Unix socket, permissions …)
     *   or the socket is already connected or listening.
     * @example
     * server.listen('127.0.0.1:0');
     * print(server.local.port);
     */
    listen(address: Address, options: ListenOptions = {}): void {
        const target = parseAddress(address, 'Socket.listen()');
        checkOptionsObject('Socket.listen()', options, ['backlog', 'mode']);
        const { backlog = defaultBacklog(), mode = 0o600 } = options ?? {};
        if (!Number.isInteger(backlog) || backlog < 1)
            throw new TypeError(`Socket.listen(): \`backlog\` must be an integer >= 1 (got ${describeValue(backlog)})`);
        checkRange('Socket.listen()', 'backlog', backlog, 1, MAX_INT);
        if (!Number.isInteger(mode) || mode < 0 || mode > 0o777)
            throw new TypeError(`Socket.listen(): \`mode\` must be permissions from 0 to 0o777 (got ${describeValue(mode)})`);
        this.#checkIdle('listen()');
        let socket: Gio.Socket;
        try {
            socket = target.kind === 'unix' ? listenUnix(target.path, mode) : listenTcp(target.host, target.port);
            socket.set_listen_backlog(backlog);
            socket.listen();
            socket.set_blocking(false);
        } catch (error) {
            if (error instanceof SocketError || error instanceof TypeError)
                throw error;
            throw socketError('listen()', target.text, error);
        }
        const watch = new FdWatch(socket.get_fd(), GLib.IOCondition.IN, () => this.#onAcceptable(), 'io-listen');
        const listener: Listener = { socket, watch, path: target.kind === 'unix' ? target.path : null, backlog,
            backoff: new AcceptBackoff(() => {
                if (this.#listener === listener && (this.autoAccept || this.#accepts.length))
                    watch.start();
            }) };
        this.#listener = listener;
        this.#local = describeSocketAddress(socket.get_local_address());
        this.#peer = null;
        if (this.autoAccept)
            watch.start();
    }

    /**
     * The next client of a listening socket (one accepted before and not
     * taken by a `newClient` callback, or the next to connect).
     * @returns an InProgress of the client Socket.
     * @throws SocketError when the socket is not listening.
     * @example
     * const client = await server.accept();
     */
    accept(): InProgress<Socket<Line>> {
        const listener = this.#listener;
        if (!listener)
            throw new SocketError('Socket.accept(): the socket is not listening');
        const ip = new InProgress<Socket<Line>>({ name: 'Socket.accept()' });
        const waiting = this.#unclaimed.shift();
        if (waiting)
            return ip.finish(waiting);
        this.#accepts.push(ip);
        onAbort(ip as InProgress<unknown>, () => {
            this.#accepts = this.#accepts.filter(a => a !== ip);
            if (!this.autoAccept && !this.#accepts.length)
                listener.watch.stop();
        });
        if (!listener.backoff.paused)
            listener.watch.start();
        return ip;
    }

    /**
     * Starts TLS on the connected socket: a client verifies the server (see
     * TlsClientOptions), a server presents `certificate`/`key`. Reads and
     * writes wait during the handshake, then go through TLS. Call it before
     * anything reads from the socket (data read before is plain text).
     * @param options - TlsClientOptions, or TlsServerOptions with `server: true`.
     * @returns an InProgress finished after the handshake; it fails with a
     *   SocketError (and the socket closes) when the handshake fails.
     * @throws TypeError for bad options; SocketError when not connected or already TLS.
     * @example
     * await socket.startTls({ serverName: 'example.com' });
     */
    startTls(options: TlsOptions = {}): InProgress<void> {
        checkOptionsObject('Socket.startTls()', options, TLS_OPTIONS);
        const timeout = tlsTimeout(options);
        checkRange('Socket.startTls()', 'timeout', timeout, 0, MAX_SECONDS, ' seconds');
        const base = this.#connection;
        if (!base || !super.alive)
            throw new SocketError('Socket.startTls(): the socket is not connected');
        if (this.#tls)
            throw new SocketError('Socket.startTls(): TLS was already started');
        const setup = tlsConnection(base, options, this.#target);
        const { tls, cleanup } = setup;
        this.#tls = tls;
        setTransport(this as unknown as IOChannel<string | Uint8Array, IOChannelSignalMap<string | Uint8Array>>, null);
        const label = this.#peer ? ('path' in this.#peer ? this.#peer.path : `${this.#peer.host}:${this.#peer.port}`) : 'the peer';
        const ip = handshake(setup, timeout, label, error => {
            if (this.#tls === tls && super.alive) {
                reportException(error);
                this.close({ immediate: true, expected: false });
            }
        });
        ip.connectBoth(() => {
            cleanup();
            if (!super.alive)
                return;
            setTransport(this as unknown as IOChannel<string | Uint8Array, IOChannelSignalMap<string | Uint8Array>>,
                openTransport(tls, IO_READ | IO_WRITE, true, 'Socket.startTls()'));
        }, () => {
            cleanup();
            this.close({ immediate: true, expected: false });
        });
        return ip;
    }

    /**
     * Closes the socket (see IOChannel.close()); a listening socket stops
     * accepting, fails pending `accept()` calls, closes unclaimed clients
     * and removes its Unix socket file.
     * @param options - `{immediate = false, expected = true}`.
     * @returns an InProgress finished once closed.
     * @example
     * await server.close();
     */
    override close(options: CloseOptions = {}): InProgress<void> {
        const listener = this.#listener;
        if (listener) {
            this.#listener = null;
            listener.watch.stop();
            listener.backoff.cancel();
            closeSocket(listener.socket, 'Socket.close()');
            if (listener.path !== null)
                GLib.unlink(listener.path);
            for (const ip of this.#accepts.splice(0))
                ip.throw(new SocketError('Socket.accept(): the socket was closed'));
            for (const client of this.#unclaimed.splice(0))
                client.close({ immediate: true });
            this.signals.closed.emit(options?.expected ?? true);
            return new InProgress<void>().finish(undefined);
        }
        if (this.#connecting)
            this.#connecting.abort();
        return super.close(options);
    }

    #checkIdle(what: string): void {
        if (this.#listener || this.#connecting || super.alive)
            throw new SocketError(`Socket.${what}: the socket is already ${this.#listener ? 'listening' : this.#connecting ? 'connecting' : 'connected'}`);
    }

    #adopt(socket: Gio.Socket): void {
        const connection = socket.connection_factory_create_connection();
        this.#connection = connection;
        this.#tls = null;
        this.#local = describeSocketAddress(socket.get_local_address());
        this.#peer = describeSocketAddress(socket.get_remote_address());
        this.wrap(connection, IO_READ | IO_WRITE);
    }

    #onAcceptable(): boolean {
        const listener = this.#listener;
        if (!listener)
            return false;
        for (let i = 0; i < 16; i++) {
            if (!this.autoAccept && !this.#accepts.length)
                return false;
            let socket: Gio.Socket;
            try {
                socket = listener.socket.accept(null);
            } catch (error) {
                if (isWouldBlock(error))
                    return true;
                listener.backoff.fail(socketError('accept()', this.#local ? JSON.stringify(this.#local) : 'a listening socket', error),
                    this.signals.acceptError);
                return false;
            }
            listener.backoff.reset();
            if (this.autoAccept && !this.signals.newClientConnecting.emit()) {
                closeSocket(socket, 'Socket.accept()');
                continue;
            }
            const client = new Socket<Line>(this.#options);
            client.#adopt(socket);
            this.#deliver(client, listener.backlog);
        }
        return true;
    }

    #deliver(client: Socket<Line>, backlog: number): void {
        const waiter = this.#accepts.shift();
        const claimed = waiter !== undefined || this.signals.newClient.count > 0;
        waiter?.finish(client);
        this.signals.newClient.emit(client);
        if (claimed)
            return;
        if (this.#unclaimed.length >= backlog)
            client.close({ immediate: true });
        else
            this.#unclaimed.push(client);
    }
}
