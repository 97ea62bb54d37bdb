/**
 * The trust policy of a TLS client (`Socket.startTls()`): which server
 * certificates it accepts, and why it refused one.
 *
 * Gio asks the application (`accept-certificate`) only about a certificate
 * its own database refused, and only when the handshake verified one. A
 * TLS 1.3 session resumed from an earlier connection to the same address
 * and server name (glib-networking keeps one ticket cache per process,
 * keyed without any trust setting) verifies nothing: the certificate of the
 * first session is taken as accepted, even when that session trusted it
 * with `verify: false` or an extra CA that this connection does not have.
 * So kaa decides twice with the same rule: in `accept-certificate`, and
 * after every successful handshake against `peer-certificate-errors` and
 * the peer certificate, which Gio fills in for resumed sessions too. A
 * connection is handed over only when this connection's policy accepts its
 * peer.
 * @module
 */
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';

/** What a client trusts: nothing checked (`verify: false`), the system's CAs, plus `authorities`. @internal */
export interface TrustPolicy {
    /** False: any certificate is accepted (`verify: false`). */
    verify: boolean;
    /** Extra CAs (the `ca` option). */
    authorities: Gio.TlsCertificate[];
    /** The name (and port) the certificate must match, or null. */
    identity: Gio.SocketConnectable | null;
    /** The name, for messages. */
    name: string | null;
}

const REASONS: [flag: Gio.TlsCertificateFlags, text: (name: string | null) => string][] = [
    [Gio.TlsCertificateFlags.UNKNOWN_CA, () => 'unknown authority (not signed by a trusted CA)'],
    [Gio.TlsCertificateFlags.BAD_IDENTITY, name => name === null
        ? 'name mismatch (no server name to check it against: pass `serverName`)'
        : `name mismatch (not valid for ${JSON.stringify(name)})`],
    [Gio.TlsCertificateFlags.NOT_ACTIVATED, () => 'not activated (its validity starts in the future)'],
    [Gio.TlsCertificateFlags.EXPIRED, () => 'expired'],
    [Gio.TlsCertificateFlags.REVOKED, () => 'revoked'],
    [Gio.TlsCertificateFlags.INSECURE, () => 'insecure (a weak algorithm)'],
    [Gio.TlsCertificateFlags.GENERIC_ERROR, () => 'generic error (it could not be verified)'],
];

/**
 * Names every reason in `errors` (Gio.TlsCertificateFlags), e.g.
 * `unknown authority (…), expired`.
 * @internal
 */
export function describeCertificateErrors(errors: number, name: string | null): string {
    const reasons = REASONS.filter(([flag]) => (errors & flag) !== 0).map(([, text]) => text(name));
    return reasons.length ? reasons.join(', ') : 'generic error (it could not be verified)';
}

/**
 * True when `policy` accepts `peer`, which Gio's database judged `errors`:
 * anything without verification; else no error at all, or a chain to one
 * of the extra authorities (name, dates and algorithms checked too).
 * @internal
 */
export function accepts(policy: TrustPolicy, peer: Gio.TlsCertificate | null, errors: number): boolean {
    if (!policy.verify)
        return true;
    if (peer === null)
        return false;
    if (errors === 0)
        return true;
    return policy.authorities.some(authority => peer.verify(policy.identity, authority) === 0);
}

/** Why `policy` refuses `peer`: its errors against the extra authorities when there are any (the closest), else Gio's. */
function refusal(policy: TrustPolicy, peer: Gio.TlsCertificate | null, errors: number): string {
    if (peer === null)
        return 'the server presented no certificate';
    const bits = (flags: number) => REASONS.filter(([flag]) => (flags & flag) !== 0).length;
    let flags = errors;
    for (const authority of policy.authorities) {
        const own = peer.verify(policy.identity, authority);
        if (own !== 0 && bits(own) < bits(flags))
            flags = own;
    }
    return `the server's certificate was refused: ${describeCertificateErrors(flags, policy.name)}`;
}

/**
 * The check after a successful handshake: null when `policy` accepts the
 * peer Gio settled on (resumed sessions included), else a `GLib.Error`
 * (Gio.TlsError.BAD_CERTIFICATE) that says why.
 * @internal
 */
export function checkPeer(policy: TrustPolicy, tls: Gio.TlsConnection): GLib.Error | null {
    const peer = tls.get_peer_certificate();
    const errors = tls.get_peer_certificate_errors();
    if (accepts(policy, peer, errors))
        return null;
    return GLib.Error.new_literal(Gio.tls_error_quark(), Gio.TlsError.BAD_CERTIFICATE, refusal(policy, peer, errors));
}

/**
 * The message for a handshake Gio failed: for a refused certificate, the
 * reasons `accept-certificate` saw (`errors`, or null when it was not
 * asked), else Gio's own message.
 * @internal
 */
export function explainFailure(policy: TrustPolicy | null, error: unknown, peer: Gio.TlsCertificate | null,
    errors: number | null): string {
    const text = String((error as { message?: unknown })?.message ?? error);
    if (policy === null || !(error instanceof GLib.Error) || !error.matches(Gio.TlsError, Gio.TlsError.BAD_CERTIFICATE) ||
        errors === null)
        return text;
    return refusal(policy, peer, errors);
}
