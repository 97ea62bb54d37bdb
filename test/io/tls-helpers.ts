// Certificates for the TLS specs, made for the run with certtool (Debian
// gnutls-bin) or openssl, and an openssl s_server to talk to.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';

const decoder = new TextDecoder();

/** Runs `argv` to its end; throws with its stderr unless it succeeded. */
export function run(argv: string[]): void {
    const [, , stderr, status] = GLib.spawn_sync(null, argv, null, GLib.SpawnFlags.SEARCH_PATH, null);
    if (status !== 0)
        throw new Error(`${argv.join(' ')} failed: ${decoder.decode(stderr as Uint8Array)}`);
}

/** A self-signed certificate for localhost/127.0.0.1 and its key, as PEM text. */
export function selfSigned(dir: string): { cert: string; key: string } {
    const cert = `${dir}/cert.pem`;
    const key = `${dir}/key.pem`;
    if (GLib.find_program_in_path('certtool')) {
        GLib.file_set_contents(`${dir}/template`, 'cn = localhost\ndns_name = localhost\nip_address = 127.0.0.1\n' +
            'expiration_days = 2\ntls_www_server\nsigning_key\nca\ncert_signing_key\n');
        run(['certtool', '--generate-privkey', '--key-type=ecdsa', '--no-text', '--outfile', key]);
        run(['certtool', '--generate-self-signed', '--load-privkey', key, '--template', `${dir}/template`, '--outfile', cert]);
    } else {
        run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
            '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost',
            '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
    }
    return { cert: decoder.decode(GLib.file_get_contents(cert)[1]), key: decoder.decode(GLib.file_get_contents(key)[1]) };
}


/** A key made by certtool, as PEM text: `ecdsa`, `rsa` or `ed25519`. */
export function privateKey(dir: string, name: string, type: 'ecdsa' | 'rsa' | 'ed25519'): string {
    const path = `${dir}/${name}.pem`;
    run(['certtool', '--generate-privkey', `--key-type=${type}`, '--no-text', '--outfile', path]);
    return decoder.decode(GLib.file_get_contents(path)[1]);
}

/** A self-signed certificate made by certtool for `key` (PEM) with template `lines`, as PEM text. */
export function certtoolCertificate(dir: string, name: string, key: string, lines: string): string {
    GLib.file_set_contents(`${dir}/${name}.key`, key);
    GLib.file_set_contents(`${dir}/${name}.template`, `cn = localhost\ndns_name = localhost\n${lines}\ntls_www_server\nsigning_key\n`);
    run(['certtool', '--generate-self-signed', '--load-privkey', `${dir}/${name}.key`, '--template',
        `${dir}/${name}.template`, '--outfile', `${dir}/${name}.crt`]);
    return decoder.decode(GLib.file_get_contents(`${dir}/${name}.crt`)[1]);
}

/** An `openssl s_server` on 127.0.0.1 that answers each line reversed (`-rev`). */
export interface OpensslServer {
    port: number;
    /** Ends it (SIGTERM) and reaps it. */
    stop(): void;
}

/** Starts `openssl s_server -rev` with certificate and key files in `dir`; blocks until it listens. */
export function opensslServer(dir: string, cert: string, key: string): OpensslServer {
    GLib.file_set_contents(`${dir}/s_server.crt`, cert);
    GLib.file_set_contents(`${dir}/s_server.key`, key);
    const proc = Gio.Subprocess.new(['openssl', 's_server', '-cert', `${dir}/s_server.crt`, '-key', `${dir}/s_server.key`,
        '-accept', '127.0.0.1:0', '-rev'], Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_MERGE);
    const out = new Gio.DataInputStream({ base_stream: proc.get_stdout_pipe() as Gio.InputStream });
    let port = 0;
    for (let i = 0; i < 20 && !port; i++) {
        const [line] = out.read_line_utf8(null);
        if (line === null)
            break;
        port = Number(/^ACCEPT .*:(\d+)$/.exec(line)?.[1] ?? 0);
    }
    const stop = () => {
        proc.send_signal(15);
        proc.wait(null);
    };
    if (!port) {
        stop();
        throw new Error('openssl s_server did not say where it listens');
    }
    return { port, stop };
}
