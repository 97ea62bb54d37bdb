// Shared by the IO specs: children with pipes (Gio.Subprocess: the Process
// layer is not used here), data generation and checksums, temp dirs.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { main } from '../../src/notifier/loop.js';
import { IOChannel, type IOChannelOptions } from '../../src/io/index.js';

/** A child with its stdin and stdout wrapped in channels. */
export interface Piped {
    proc: Gio.Subprocess;
    input: IOChannel;
    output: IOChannel;
    /** Closes both channels at once and reaps the child (waits up to 5 s, then kills it). */
    finish(): void;
    /** The same for async specs (no nested loop after an await). */
    finishAsync(): Promise<void>;
}

/** Spawns `argv` (default `cat`) with stdin and stdout pipes wrapped in IOChannels. */
export function piped(argv: string[] = ['cat'], inOptions: IOChannelOptions = {}, outOptions: IOChannelOptions = {}): Piped {
    const proc = Gio.Subprocess.new(argv, Gio.SubprocessFlags.STDIN_PIPE | Gio.SubprocessFlags.STDOUT_PIPE);
    const input = new IOChannel(proc.get_stdin_pipe() as Gio.OutputStream, inOptions);
    const output = new IOChannel(proc.get_stdout_pipe() as Gio.InputStream, outOptions);
    return {
        proc, input, output,
        finish() {
            input.close({ immediate: true });
            output.close({ immediate: true });
            reap(proc);
        },
        finishAsync() {
            input.close({ immediate: true });
            output.close({ immediate: true });
            return new Promise(resolve => proc.wait_async(null, () => resolve()));
        },
    };
}

/** Waits (running the loop) until `proc` has exited; kills it after `timeout` seconds. */
export function reap(proc: Gio.Subprocess, timeout = 5): void {
    let done = false;
    proc.wait_async(null, () => void (done = true));
    main.loop(() => !done, timeout);
    if (!done) {
        proc.force_exit();
        main.loop(() => !done, 5);
    }
}

/** `n` pseudo-random bytes (xorshift32, seeded): the same every run. */
export function pseudoRandom(n: number, seed = 0x9e3779b9): Uint8Array {
    const out = new Uint8Array(n);
    let x = seed >>> 0;
    for (let i = 0; i < n; i++) {
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        out[i] = x & 0xff;
    }
    return out;
}

/** SHA-256 of `data` (GLib's, in C). */
export function sha256(data: Uint8Array): string {
    return GLib.compute_checksum_for_data(GLib.ChecksumType.SHA256, data) ?? '';
}

/** Joins chunks. */
export function concat(chunks: Uint8Array[]): Uint8Array {
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
        out.set(c, at);
        at += c.length;
    }
    return out;
}

/** A fresh private temporary directory. */
export function tmpdir(): string {
    return GLib.dir_make_tmp('kaa-io-XXXXXX');
}

/** Removes a directory tree (the temporary ones of the specs). */
export function rmtree(path: string): void {
    const dir = Gio.File.new_for_path(path);
    const children = dir.enumerate_children('standard::name', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
    for (let info = children.next_file(null); info !== null; info = children.next_file(null))
        dir.get_child(info.get_name()).delete(null);
    children.close(null);
    dir.delete(null);
}

/** Takes every free fd of the process (duplicates of stdin) until EMFILE; returns how to give them back. */
export function exhaustFds(): { count: number; free(): void } {
    const list = new Gio.UnixFDList();
    for (;;) {
        try {
            list.append(0);
        } catch (error) {
            if (error instanceof GLib.Error && error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.TOO_MANY_OPEN_FILES))
                break;
            throw error;
        }
    }
    const count = list.get_length();
    return { count, free: () => list.steal_fds().forEach(fd => GLib.close(fd)) };
}
