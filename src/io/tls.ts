/**
 * TLS for `Socket.startTls()`, through Gio's TLS (glib-networking, GnuTLS
 * on Debian: the `glib-networking` package must be installed).
 *
 * A client verifies the server's certificate against the system's CAs and
 * the server name (by default the host given to `connect()`), unless told
 * `verify: false`; `ca` adds PEM CA certificates to trust (checked in
 * `accept-certificate` and again after the handshake). A server presents a
 * certificate and key given as PEM text (`Gio.TlsCertificate.new_from_pem`),
 * checked to be a pair before it is used (tls-keys.ts).
 *
 * The handshake is `handshake_async()`, the one Gio async call a TLS socket
 * needs. If GJS 1.74 refuses its callback during a GC, the handshake still
 * completed inside Gio: a check after each loop iteration sees the
 * negotiated protocol version and carries on without the callback. Either
 * way a client's connection is handed over only after its trust policy
 * accepted the peer (tls-policy.ts: resumed sessions verify nothing in Gio).
 * A handshake that does not end within `timeout` seconds fails.
 * @module
 */
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import { InProgress, onAbort } from '../async/inprogress.js';
import { SocketError, describeValue } from '../notifier/errors.js';
import { Probe } from '../notifier/source.js';
import { defer, entryIn, scheduler } from '../notifier/scheduler.js';
import { reportException } from '../notifier/sources.js';
import { keyMismatch } from './tls-keys.js';
import { accepts, checkPeer, explainFailure, type TrustPolicy } from './tls-policy.js';
import { isCancelled } from './watch.js';

/** Loop iterations a set protocol version must last, without the completion callback, to count as done. */
const FALLBACK_ITERATIONS = 3;

/** `startTls()` for a client. */
export interface TlsClientOptions {
    /** Act as the client (the default). */
    server?: false;
    /** The name the server's certificate must match. @default the host given to connect() */
    serverName?: string | null;
    /** Verify the server's certificate. @default true */
    verify?: boolean;
    /** PEM CA certificates to trust besides the system's. @default null */
    ca?: string | null;
    /** A client certificate (PEM, may include the key). @default null */
    certificate?: string | null;
    /** The client certificate's key (PEM) when not in `certificate`. @default null */
    key?: string | null;
    /** Seconds the handshake may take. @default 30 */
    timeout?: number;
}

/** `startTls()` for a server. */
export interface TlsServerOptions {
    /** Act as the server. */
    server: true;
    /** The server's certificate (PEM, may include the key and the chain). */
    certificate: string;
    /** The key (PEM) when not in `certificate`. @default null */
    key?: string | null;
    /** Seconds the handshake may take. @default 30 */
    timeout?: number;
}

/** What `Socket.startTls()` takes. */
export type TlsOptions = TlsClientOptions | TlsServerOptions;

function pem(name: string, value: unknown, required: boolean): string | null {
    if (value === undefined || value === null) {
        if (required)
            throw new TypeError(`Socket.startTls(): \`${name}\` (PEM text) is required for a server`);
        return null;
    }
    if (typeof value !== 'string' || !value.includes('-----BEGIN'))
        throw new TypeError(`Socket.startTls(): \`${name}\` must be PEM text (got ${describeValue(value)})`);
    return value;
}

function certificate(certPem: string, keyPem: string | null): Gio.TlsCertificate {
    try {
        return Gio.TlsCertificate.new_from_pem(keyPem ? `${certPem}\n${keyPem}` : certPem, -1);
    } catch (error) {
        throw new TypeError(`Socket.startTls(): the certificate or key cannot be used: ${(error as Error).message}`, { cause: error });
    }
}

const checkedPem = new Map<string, string | null>();

/**
 * Throws a TypeError unless `cert` has a private key that belongs to it
 * (tls-keys.ts). Results are remembered for the last few PEM pairs: a
 * server checks its pair once, not once per client.
 */
function checkServerPair(cert: Gio.TlsCertificate, pemText: string): void {
    // `private-key` is read only once `private-key-pem` says there is one: reading
    // the null GByteArray crashes GJS 1.74 (SIGSEGV)
    if (!('private_key_pem' in cert))
        return; // GLib < 2.70: the key's DER is not exposed, the pair is not checked
    if ((cert as unknown as { private_key_pem: string | null }).private_key_pem === null)
        throw new TypeError('Socket.startTls(): a server needs the private key of its certificate: give `key`, or put it in `certificate`');
    let mismatch = checkedPem.get(pemText);
    if (mismatch === undefined) {
        mismatch = keyMismatch(cert);
        if (checkedPem.size >= 16)
            checkedPem.delete(checkedPem.keys().next().value as string);
        checkedPem.set(pemText, mismatch);
    }
    if (mismatch !== null)
        throw new TypeError(`Socket.startTls(): \`key\` does not match \`certificate\`: ${mismatch}`);
}

/** The `timeout` option, checked. @internal */
export function tlsTimeout(options: TlsOptions): number {
    const t = options.timeout ?? 30;
    if (typeof t !== 'number' || !(t > 0) || t === Infinity)
        throw new TypeError(`Socket.startTls(): \`timeout\` must be a number of seconds > 0 (got ${describeValue(t)})`);
    return t;
}

/** What startTls() runs: the connection, its cleanup, and the checks of its handshake. @internal */
export interface TlsSetup {
    tls: Gio.TlsConnection;
    /** Disconnects kaa's handlers once the handshake settled. */
    cleanup: () => void;
    /** After a successful handshake: null to hand the connection over, else why not. */
    check: () => GLib.Error | null;
    /** The message for a failed handshake. */
    explain: (error: unknown) => string;
}

/**
 * Wraps `base` in a client or server TLS connection per `options`.
 * @param target - `{host, port}` of the peer for a client's default server name, or null.
 * @throws TypeError for bad options or unusable PEM; SocketError when Gio has no TLS support.
 * @internal
 */
export function tlsConnection(base: Gio.IOStream, options: TlsOptions,
    target: { host: string; port: number } | null): TlsSetup {
    if (options === null || typeof options !== 'object')
        throw new TypeError(`Socket.startTls(): \`options\` must be an object (got ${describeValue(options)})`);
    try {
        if (options.server === true) {
            const cert = certificate(pem('certificate', options.certificate, true) as string, pem('key', options.key, false));
            checkServerPair(cert, `${options.certificate}\0${options.key ?? ''}`);
            return {
                tls: Gio.TlsServerConnection.new(base, cert) as unknown as Gio.TlsConnection,
                cleanup: () => undefined,
                check: () => null,
                explain: error => String((error as Error)?.message ?? error),
            };
        }
        return client(base, options, target);
    } catch (error) {
        if (error instanceof GLib.Error && error.matches(Gio.TlsError, Gio.TlsError.UNAVAILABLE))
            throw new SocketError('Socket.startTls(): TLS is not available (install glib-networking)', { cause: error });
        throw error;
    }
}

function client(base: Gio.IOStream, options: TlsClientOptions, target: { host: string; port: number } | null): TlsSetup {
    const { verify = true, serverName = target?.host ?? null } = options;
    if (typeof verify !== 'boolean')
        throw new TypeError(`Socket.startTls(): \`verify\` must be a boolean (got ${describeValue(verify)})`);
    const ca = pem('ca', options.ca, false);
    const own = pem('certificate', options.certificate, false);
    const identity = serverName ? Gio.NetworkAddress.new(serverName, target?.port ?? 0) : null;
    const tls = Gio.TlsClientConnection.new(base, identity) as unknown as Gio.TlsClientConnection & Gio.TlsConnection;
    if (own)
        tls.set_certificate(certificate(own, pem('key', options.key, false)));
    const authorities = (ca ?? '').split(/(?=-----BEGIN CERTIFICATE-----)/).filter(p => p.includes('-----BEGIN'))
        .map(p => certificate(p, null));
    const policy: TrustPolicy = { verify, authorities, identity, name: serverName };
    let asked: { peer: Gio.TlsCertificate; errors: number } | null = null;
    const handler = tls.connect('accept-certificate', (_conn: Gio.TlsConnection, peer: Gio.TlsCertificate, errors: number) => {
        asked = { peer, errors };
        return accepts(policy, peer, errors);
    });
    return {
        tls,
        cleanup: () => tls.disconnect(handler),
        check: () => checkPeer(policy, tls),
        explain: error => {
            const seen = asked as { peer: Gio.TlsCertificate; errors: number } | null;
            return explainFailure(policy, error, seen?.peer ?? null, seen?.errors ?? null);
        },
    };
}

/**
 * Runs the handshake of `setup`; the InProgress fails with a SocketError
 * (the GLib error as `cause`), or on `timeout`; `abort()` cancels it.
 *
 * It finishes only after `setup.check()` accepted the result. If GJS 1.74
 * refuses the completion callback during a GC, the handshake still ends
 * inside Gio: Gio sets the protocol version only once a handshake has
 * succeeded, so a version that stays set across {@link FALLBACK_ITERATIONS}
 * loop iterations without the callback is taken as Gio's success — and then
 * goes through the same `check()` as the callback's, which refuses a peer
 * this connection's policy does not accept (a resumed session's included).
 * Should the callback still come later with an error, `onLateFailure` gets it.
 * @internal
 */
export function handshake(setup: TlsSetup, timeout: number, label: string,
    onLateFailure: (error: SocketError) => void): InProgress<void> {
    const { tls } = setup;
    const ip = new InProgress<void>({ name: `Socket.startTls(${label})` });
    const cancellable = new Gio.Cancellable();
    let settled = false;
    let seen = 0;
    const failure = (error: unknown, message: string) =>
        new SocketError(`Socket.startTls(): the TLS handshake with ${label} failed: ${message}`, { cause: error });
    const settle = (error: unknown): void => {
        if (settled)
            return;
        settled = true;
        scheduler.remove(deadline);
        fallback.stop();
        const refused = error === null ? setup.check() : null;
        if (error === null && refused === null)
            ip.finish(undefined);
        else if (!ip.finished)
            ip.throw(refused ? failure(refused, refused.message) : failure(error, setup.explain(error)));
    };
    const deadline = entryIn(timeout, () => {
        cancellable.cancel();
        settle(new Error(`it did not finish within ${timeout} s`));
    });
    scheduler.add(deadline);
    const fallback = new Probe('tls-handshake', () => {
        // the completion callback may have been refused (GJS GC): a version set since
        // FALLBACK_ITERATIONS iterations says Gio finished with success; check() still decides
        seen = tls.get_protocol_version() === Gio.TlsProtocolVersion.UNKNOWN ? 0 : seen + 1;
        if (seen >= FALLBACK_ITERATIONS)
            settle(null);
        else if (seen > 0)
            defer(() => undefined); // another iteration, even when nothing else wakes the loop
    });
    fallback.start();
    onAbort(ip as InProgress<unknown>, () => {
        settled = true;
        scheduler.remove(deadline);
        fallback.stop();
        cancellable.cancel();
    });
    tls.handshake_async(GLib.PRIORITY_DEFAULT, cancellable, (_c, result) => {
        try {
            let error: unknown = null;
            try {
                tls.handshake_finish(result);
            } catch (e) {
                error = e;
            }
            if (!settled)
                settle(error);
            else if (error !== null && ip.finished && !ip.failed && !isCancelled(error))
                onLateFailure(failure(error, setup.explain(error)));
        } catch (e) {
            reportException(e);
        }
    });
    return ip;
}
