// Security: what kaa exposes to other processes and what it lets a string
// do. Workers talk to their parent over one end of a private socket pair
// only (connected, bound to no name, never listening: checked in
// /proc/<worker pid>/fd against the kernel's socket tables); kaa opens no listening socket unless
// listen() is called; a Unix socket file is created 0600 unless asked
// otherwise, and kaa creates no directory for it; `shell: false` (the
// default) never interprets shell metacharacters.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { SocketError } from '../../src/notifier/errors.js';
import { main } from '../../src/notifier/loop.js';
import { Socket } from '../../src/io/index.js';
import { Process } from '../../src/process/index.js';
import { OneShotTimer } from '../../src/timers.js';
import { ThreadPool } from '../../src/workers/pool.js';
import { threaded } from '../../src/workers/threaded.js';
import { listDir } from './helpers.js'; // (helpers.js also sets the worker host of this checkout)

function read(path: string): string {
    return new TextDecoder().decode(GLib.file_get_contents(path)[1]);
}

/** The targets of a process's fds: `{fd: 'pipe:[123]' | 'socket:[456]' | '/dev/null' …}`. */
function fdTargets(pid: number | 'self'): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of listDir(`/proc/${pid}/fd`)) {
        try {
            out[name] = GLib.file_read_link(`/proc/${pid}/fd/${name}`);
        } catch {
            // closed meanwhile (the enumerator's own fd)
        }
    }
    return out;
}

/** Inodes of the listening sockets of the network namespace: Unix (__SO_ACCEPTCON) and TCP/UDP-less LISTEN state. */
function listeningInodes(): Set<string> {
    const inodes = new Set<string>();
    for (const line of read('/proc/net/unix').split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f.length >= 7 && (parseInt(f[3], 16) & 0x10000))
            inodes.add(f[6]);
    }
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
        if (!GLib.file_test(table, GLib.FileTest.EXISTS))
            continue;
        for (const line of read(table).split('\n').slice(1)) {
            const f = line.trim().split(/\s+/);
            if (f.length >= 10 && f[3] === '0A')
                inodes.add(f[9]);
        }
    }
    return inodes;
}

/** The Unix sockets of the network namespace by inode: state (`03` connected) and bound name ('' for none). */
function unixSockets(): Map<string, { state: string; path: string }> {
    const out = new Map<string, { state: string; path: string }>();
    for (const line of read('/proc/net/unix').split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f.length >= 7)
            out.set(f[6], { state: f[5], path: f[7] ?? '' });
    }
    return out;
}

/** The listening sockets among a process's fds. */
function listeningFds(pid: number | 'self'): string[] {
    const listening = listeningInodes();
    return Object.entries(fdTargets(pid))
        .filter(([, target]) => /^socket:\[(\d+)\]$/.test(target) && listening.has(/\d+/.exec(target)?.[0] ?? ''))
        .map(([fd, target]) => `fd ${fd} → ${target}`);
}

/** The permission bits of `path` (the file itself, not a symlink's target). */
function mode(path: string): number {
    const info = Gio.File.new_for_path(path).query_info('unix::mode', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
    return info.get_attribute_uint32('unix::mode') & 0o777;
}

/** Runs `proc` to its end and returns its stdout. */
function output(proc: Process, args?: string[]): string {
    let out = '';
    proc.stdout.signals.read.connect(data => {
        out += new TextDecoder().decode(data);
    });
    proc.start(args).wait(10);
    main.loop(() => proc.stdout.alive, 5);
    return out;
}

describe('security', () => {
    it('workers hold one socket, their link: connected, bound to no name, its other end ours', () => {
        const pool = new ThreadPool({ size: 2 });
        // Runs in the worker: its own pid, read from /proc (GLib is a global there).
        const pidOf = threaded(pool)(() => Number(imports.gi.GLib.file_read_link('/proc/self')));
        try {
            const first = pidOf();
            const second = pidOf();
            const pids = [first.wait(15), second.wait(15)];
            expect(new Set(pids).size).toBe(2);
            const ours = new Set(Object.values(fdTargets('self')));
            const unix = unixSockets();
            for (const pid of pids) {
                const fds = fdTargets(pid);
                const sockets = Object.entries(fds).filter(([, t]) => t.startsWith('socket:'));
                expect(sockets.map(([fd]) => fd)).withContext(`sockets of worker ${pid}`).toEqual(['3']);
                expect(listeningFds(pid)).toEqual([]);
                const inode = /\d+/.exec(fds['3'])?.[0] ?? '';
                // connected (state 03), no name anyone could connect to, and not held by the parent
                expect(unix.get(inode)).withContext(`worker ${pid} fd 3 in /proc/net/unix`).toEqual({ state: '03', path: '' });
                expect(ours.has(fds['3'])).withContext('the parent does not keep the worker\'s end').toBeFalse();
                expect(fds['0']).withContext(`worker ${pid} stdin`).toBe('/dev/null');
                // close-on-exec (O_CLOEXEC): nothing the worker starts holds its link, whose EOF tells us it died
                const flags = parseInt(/flags:\s*([0-7]+)/.exec(read(`/proc/${pid}/fdinfo/3`))?.[1] ?? '0', 8);
                expect(flags & 0o2000000).withContext(`worker ${pid} fd 3 flags ${flags.toString(8)}`).toBe(0o2000000);
            }
        } finally {
            pool.stop().wait(10);
        }
    }, 30000);

    it('kaa opens no listening socket until listen() is called, and none after close()', () => {
        // By now this process has run timers, pipes, child processes and workers.
        const pool = new ThreadPool({ size: 1 });
        try {
            expect(threaded(pool)((a: number) => a * 2)(21).wait(15)).toBe(42);
            expect(output(new Process(['echo', 'hi']))).toBe('hi\n');
            let fired = false;
            new OneShotTimer(() => {
                fired = true;
            }).start(0.01);
            main.loop(() => !fired, 5);
            expect(listeningFds('self')).toEqual([]);
            const server = new Socket();
            server.listen('127.0.0.1:0');
            expect(listeningFds('self').length).toBe(1);
            server.close();
            expect(listeningFds('self')).toEqual([]);
        } finally {
            pool.stop().wait(10);
        }
    }, 30000);

    it('creates a Unix socket file with mode 0600 unless asked otherwise, and no directory for it', () => {
        const dir = GLib.dir_make_tmp('kaa-sec-XXXXXX');
        try {
            const server = new Socket();
            server.listen(`${dir}/default.sock`);
            expect(mode(`${dir}/default.sock`).toString(8)).toBe('600');
            server.close();
            expect(GLib.file_test(`${dir}/default.sock`, GLib.FileTest.EXISTS)).withContext('removed at close').toBeFalse();

            const shared = new Socket();
            shared.listen(`${dir}/shared.sock`, { mode: 0o660 });
            expect(mode(`${dir}/shared.sock`).toString(8)).toBe('660');
            shared.close();

            const nested = new Socket();
            expect(() => nested.listen(`${dir}/missing/dir/x.sock`)).toThrowError(SocketError);
            expect(GLib.file_test(`${dir}/missing`, GLib.FileTest.EXISTS)).withContext('kaa created no directory').toBeFalse();
        } finally {
            GLib.spawn_command_line_sync(`rm -rf ${dir}`);
        }
    });

    it('never interprets shell metacharacters without shell: true (argv arrays, command strings, start() arguments)', () => {
        const dir = GLib.dir_make_tmp('kaa-sec-XXXXXX');
        const marker = `${dir}/pwned`;
        const nasty = `$HOME; touch ${marker} && echo $(id) \`id\` * > ${marker} | cat ${marker} & ~ 'q' "d" \\`;
        try {
            expect(output(new Process(['echo', nasty]))).toBe(`${nasty}\n`);
            // A string command is split like a shell would split words (quotes honoured), nothing more.
            expect(output(new Process(`echo $HOME ';' touch ${marker} '|' "\`id\`" '>' ${marker}`)))
                .toBe(`$HOME ; touch ${marker} | \`id\` > ${marker}\n`);
            expect(output(new Process('echo'), [`$(touch ${marker})`, '*'])).toBe(`$(touch ${marker}) *\n`);
            expect(GLib.file_test(marker, GLib.FileTest.EXISTS)).withContext('no command ran through a shell').toBeFalse();
            // The same text with shell: true does run the shell (so the check above can tell).
            expect(output(new Process(`touch ${marker}; echo $((6 * 7))`, { shell: true }))).toBe('42\n');
            expect(GLib.file_test(marker, GLib.FileTest.EXISTS)).toBeTrue();
        } finally {
            GLib.spawn_command_line_sync(`rm -rf ${dir}`);
        }
    });
});
