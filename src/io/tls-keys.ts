/**
 * Does a TLS server's private key belong to its certificate? Gio takes any
 * pair (`Gio.TlsCertificate.new_from_pem`) and a mismatched one fails only
 * in each client's handshake ("Connection reset by peer" on their side), so
 * `startTls({server: true})` checks it first.
 *
 * The check compares the certificate's public key (its SubjectPublicKeyInfo,
 * read from the DER of the `certificate` property) with the public half of
 * the key (the PKCS#8 DER of the `private-key` property, GLib >= 2.70):
 * - RSA (and RSA-PSS): the modulus and exponent, both in the private key;
 * - EC (ECDSA): the public point kept in the ECPrivateKey (GnuTLS and
 *   OpenSSL write it);
 * - Ed25519: the public key, derived from the seed (SHA-512 from GLib, the
 *   curve arithmetic with BigInt), unless the key carries it.
 * A key type it cannot read (Ed448, DSA …) is not checked; neither is a pair
 * when the backend does not expose the key's DER.
 * @module
 */
import GLib from 'gi://GLib';
import type Gio from 'gi://Gio';

interface Node {
    tag: number;
    /** Where the content starts and ends in the buffer. */
    start: number;
    end: number;
}

/** The TLV at `at` in `der`. @throws Error on a truncated or too long length. */
function node(der: Uint8Array, at: number): Node {
    const tag = der[at];
    let length = der[at + 1];
    let start = at + 2;
    if (length & 0x80) {
        const count = length & 0x7f;
        if (count > 4)
            throw new Error('DER length too long');
        length = 0;
        for (let i = 0; i < count; i++)
            length = length * 256 + der[start + i];
        start += count;
    }
    if (tag === undefined || start + length > der.length)
        throw new Error('truncated DER');
    return { tag, start, end: start + length };
}

/** The children of a constructed node. */
function children(der: Uint8Array, parent: Node): Node[] {
    const out: Node[] = [];
    for (let at = parent.start; at < parent.end; at = out[out.length - 1].end)
        out.push(node(der, at));
    return out;
}

const hex = (der: Uint8Array, n: Node, skip = 0): string =>
    Array.from(der.subarray(n.start + skip, n.end), b => b.toString(16).padStart(2, '0')).join('');
/** An INTEGER's value as hex, without leading zero bytes. */
const integer = (der: Uint8Array, n: Node): string => hex(der, n).replace(/^(00)+/, '');

const RSA = '2a864886f70d010101';
const RSA_PSS = '2a864886f70d01010a';
const EC = '2a8648ce3d0201';
const ED25519 = '2b6570';

/** The public key of a private key (PKCS#8 DER) as the SPKI's BIT STRING would hold it, or null when unknown. */
function publicOf(der: Uint8Array, algorithm: string): string | null {
    const info = children(der, node(der, 0));
    const privateKey = info[2];
    const carried = info.find(n => n.tag === 0xa1); // OneAsymmetricKey v2 publicKey
    if (algorithm === RSA || algorithm === RSA_PSS) {
        const rsa = children(der, node(der, privateKey.start));
        return `rsa:${integer(der, rsa[1])}:${integer(der, rsa[2])}`;
    }
    if (algorithm === EC) {
        const ec = children(der, node(der, privateKey.start));
        const tagged = ec.find(n => n.tag === 0xa1);
        return tagged ? hex(der, node(der, tagged.start), 1) : null;
    }
    if (algorithm === ED25519) {
        if (carried)
            return hex(der, carried, 1);
        const seed = node(der, privateKey.start);
        return ed25519Public(der.slice(seed.start, seed.end));
    }
    return null;
}

/** The SPKI public key of a certificate (DER), in the form publicOf() gives, and its algorithm OID. */
function certificatePublic(der: Uint8Array): { algorithm: string; key: string } {
    const tbs = children(der, node(der, 0))[0];
    const fields = children(der, tbs);
    const spki = children(der, fields[fields[0].tag === 0xa0 ? 6 : 5]);
    const algorithm = hex(der, children(der, spki[0])[0]);
    if (algorithm === RSA || algorithm === RSA_PSS) {
        const rsa = children(der, node(der, spki[1].start + 1));
        return { algorithm, key: `rsa:${integer(der, rsa[0])}:${integer(der, rsa[1])}` };
    }
    return { algorithm, key: hex(der, spki[1], 1) };
}

/**
 * Null when `cert`'s key matches its certificate (or cannot be checked),
 * else why not. Call it only for a certificate with a key (see tls.ts).
 * @internal
 */
export function keyMismatch(cert: Gio.TlsCertificate): string | null {
    const certDer = (cert as unknown as { certificate?: Uint8Array | null }).certificate;
    const keyDer = (cert as unknown as { private_key?: Uint8Array | null }).private_key;
    if (!(certDer instanceof Uint8Array) || !(keyDer instanceof Uint8Array))
        return null; // the backend does not expose the DER: not checked
    let expected: { algorithm: string; key: string };
    let actual: string | null;
    try {
        expected = certificatePublic(certDer);
        const algorithm = hex(keyDer, children(keyDer, children(keyDer, node(keyDer, 0))[1])[0]);
        if (algorithm !== expected.algorithm)
            return 'the key is of another type than the certificate\'s public key';
        actual = publicOf(keyDer, algorithm);
    } catch {
        return null; // a structure this reader does not know: Gio parsed it, leave it to the handshake
    }
    if (actual === null || actual === expected.key)
        return null;
    return 'the certificate\'s public key is not the public half of the key';
}

// Ed25519 (RFC 8032): the public key of a seed.
const P = 2n ** 255n - 19n;
const mod = (a: bigint): bigint => ((a % P) + P) % P;
function power(base: bigint, exponent: bigint): bigint {
    let result = 1n;
    for (let b = mod(base), e = exponent; e > 0n; e >>= 1n, b = mod(b * b)) {
        if (e & 1n)
            result = mod(result * b);
    }
    return result;
}
const D = mod(-121665n * power(121666n, P - 2n));
type Point = [x: bigint, y: bigint, z: bigint, t: bigint];
const BASE: Point = [15112221349535400772501151409588531511454012693041857206046113283949847762202n,
    46316835694926478169428394003475163141307993866256225615783033603165251855960n, 1n,
    mod(15112221349535400772501151409588531511454012693041857206046113283949847762202n *
        46316835694926478169428394003475163141307993866256225615783033603165251855960n)];

function add([x1, y1, z1, t1]: Point, [x2, y2, z2, t2]: Point): Point {
    const a = mod((y1 - x1) * (y2 - x2));
    const b = mod((y1 + x1) * (y2 + x2));
    const c = mod(2n * D * t1 * t2);
    const d = mod(2n * z1 * z2);
    const [e, f, g, h] = [b - a, d - c, d + c, b + a];
    return [mod(e * f), mod(g * h), mod(f * g), mod(e * h)];
}

function ed25519Public(seed: Uint8Array): string | null {
    if (seed.length !== 32)
        return null;
    const digest = GLib.compute_checksum_for_data(GLib.ChecksumType.SHA512, seed) ?? '';
    const h = Array.from({ length: 32 }, (_, i) => parseInt(digest.slice(2 * i, 2 * i + 2), 16));
    h[0] &= 248;
    h[31] = (h[31] & 127) | 64;
    let scalar = 0n;
    for (let i = 31; i >= 0; i--)
        scalar = (scalar << 8n) | BigInt(h[i]);
    let result: Point = [0n, 1n, 1n, 0n];
    for (let q = BASE; scalar > 0n; scalar >>= 1n, q = add(q, q)) {
        if (scalar & 1n)
            result = add(result, q);
    }
    const inverse = power(result[2], P - 2n);
    const x = mod(result[0] * inverse);
    let y = mod(result[1] * inverse);
    const out: number[] = [];
    for (let i = 0; i < 32; i++, y >>= 8n)
        out.push(Number(y & 255n));
    out[31] |= Number(x & 1n) << 7;
    return out.map(b => b.toString(16).padStart(2, '0')).join('');
}
