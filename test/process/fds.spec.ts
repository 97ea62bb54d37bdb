// What a child inherits: file descriptors 0–2 (its three pipes) and nothing
// else of the parent — while kaa has sockets, pipes, an IO watch, a running
// child and a worker open, and while the parent holds descriptors opened
// without close-on-exec (a Gio.File stream on GLib 2.74, the parent ends of
// GLib.spawn_async_with_pipes()). Also SIGPIPE at its default in the child,
// though the parent ignores it. Children spawn through the exec helper
// (posix_spawn), and through GLib's fork path where the helper cannot run.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { IOMonitor, IO_READ, Socket } from '../../src/io/index.js';
import { Process, watchChild } from '../../src/process/index.js';
import { execHelper } from '../../src/process/exec-helper.js';
import { liveChildren } from '../../src/process/supervisor.js';
import { ThreadPool, threaded } from '../../src/index.js';
import { spawnGjs } from '../support/child.js';
import { stopWorkers } from '../workers/support.js';

const decoder = new TextDecoder();
const O_CLOEXEC = 0o2000000;
/** The child's own descriptors: `ls` of its shell's fd directory (ls's own fds are in /proc/<ls>/fd). */
const LIST_FDS = 'ls /proc/$$/fd';

/** The fds open in this process. */
function ownFds(): number[] {
    const fds: number[] = [];
    const dir = Gio.File.new_for_path('/proc/self/fd').enumerate_children('standard::name', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
    for (let info = dir.next_file(null); info !== null; info = dir.next_file(null))
        fds.push(Number(info.get_name()));
    dir.close(null);
    return fds;
}

/** The fds of this process that lack close-on-exec (3 and up). */
function inheritableFds(): number[] {
    return ownFds().filter(fd => {
        try {
            const flags = /flags:\s*(\d+)/.exec(decoder.decode(GLib.file_get_contents(`/proc/self/fdinfo/${fd}`)[1]));
            return fd > 2 && flags !== null && !(parseInt(flags[1], 8) & O_CLOEXEC);
        } catch {
            return false; // the enumerator's own fd, gone by now
        }
    });
}

/** SigIgn of a status file, as a bit mask. */
function ignored(status: string): bigint {
    return BigInt(`0x${/SigIgn:\s*([0-9a-f]+)/.exec(status)?.[1] ?? '0'}`);
}

const SIGPIPE_BIT = 1n << 12n;

describe('a child process inherits', () => {
    afterEach(async () => {
        await stopWorkers();
        expect(liveChildren()).toBe(0);
    });

    it('only fds 0-2, whatever kaa and the user have open in the parent', async () => {
        // kaa's own: a listening socket and a connection to it, a running child with its pipes read, a worker.
        const server = new Socket();
        server.listen('127.0.0.1:0');
        const client = new Socket();
        await client.connect(`127.0.0.1:${(server.local as { port: number }).port}`);
        const sleeper = new Process(['sleep', '30']);
        sleeper.start();
        sleeper.stdout.read();
        const pool = new ThreadPool({ size: 1 });
        expect(await threaded(pool)(() => 42)()).toBe(42);
        // The user's, without close-on-exec: GLib's pipes (no CLOEXEC_PIPES), watched by an IOMonitor, and a file stream.
        const [, pid, stdinFd, stdoutFd, stderrFd] = GLib.spawn_async_with_pipes(null, ['sleep', '30'], null,
            GLib.SpawnFlags.SEARCH_PATH | GLib.SpawnFlags.DO_NOT_REAP_CHILD, null);
        const exited = watchChild(pid as number);
        const monitor = new IOMonitor(() => true);
        monitor.register(stdoutFd as number, IO_READ);
        const file = Gio.File.new_for_path('/proc/self/status').read(null);
        try {
            const leaky = inheritableFds();
            expect(leaky).withContext('fds without close-on-exec in the parent').toEqual(jasmine.arrayContaining([stdinFd, stdoutFd, stderrFd]));
            expect(ownFds().length).withContext('fds open in the parent').toBeGreaterThan(15);
            const variants: [string, Process][] = [
                ['default', new Process(['sh', '-c', LIST_FDS])],
                ['processGroup: false', new Process(['sh', '-c', LIST_FDS], { processGroup: false })],
                ['cwd and env', new Process(['sh', '-c', `${LIST_FDS}; pwd; echo "$KAA_X"`], { cwd: '/', env: { KAA_X: 'x' } })],
                ['shell: true', new Process(LIST_FDS, { shell: true })],
            ];
            for (const [what, proc] of variants) {
                const [out, err] = await proc.communicate();
                const lines = out.trim().split('\n');
                expect(lines.slice(0, 3).sort()).withContext(what).toEqual(['0', '1', '2']);
                expect(lines.slice(3)).withContext(what).toEqual(what === 'cwd and env' ? ['/', 'x'] : []);
                expect(err).withContext(what).toBe('');
            }
            expect(execHelper()).withContext('the exec helper was used').not.toBeNull();
        } finally {
            file.close(null);
            monitor.unregister();
            GLib.spawn_command_line_sync(`kill ${pid}`);
            await exited;
            for (const fd of [stdinFd, stdoutFd, stderrFd])
                GLib.close(fd);
            await sleeper.stop();
            await client.close();
            server.close();
        }
    });

    it('SIGPIPE at its default though the parent ignores it', async () => {
        new Socket(); // GSocket's class init ignores SIGPIPE in the parent, as kaa's IO does
        const [, own] = GLib.file_get_contents('/proc/self/status');
        expect(ignored(decoder.decode(own)) & SIGPIPE_BIT).withContext('the parent ignores SIGPIPE').toBe(SIGPIPE_BIT);
        for (const processGroup of [true, false]) {
            const [out] = await new Process(['sh', '-c', 'cat /proc/$$/status'], { processGroup }).communicate();
            expect(ignored(out) & SIGPIPE_BIT).withContext(`processGroup: ${processGroup}`).toBe(0n);
        }
    });

    it('only fds 0-2 also where the exec helper cannot be installed (GLib forks and closes them)', async () => {
        const child = spawnGjs(`import Gio from 'gi://Gio';
import * as kaa from KAA;
const open = Gio.File.new_for_path('/proc/self/status').read(null); // no close-on-exec on GLib 2.74
const p = new kaa.Process(['sh', '-c', 'ls /proc/$$/fd; cut -d" " -f1,5 /proc/$$/stat; grep SigIgn /proc/$$/status']);
p.communicate().then(([out]) => { print(out.trim().split('\\n').join(' ')); open.close(null); kaa.main.stop(); });
kaa.main.run();`, { TMPDIR: '/nonexistent/kaa-spec' });
        const r = await child.done;
        expect(r.stderr).toContain('the exec helper cannot be installed');
        const words = r.stdout.trim().split(' ');
        expect(words.slice(0, 3).sort()).toEqual(['0', '1', '2']);
        expect(words[3]).withContext('its own process group (setsid)').toBe(words[4]);
        expect(ignored(words.slice(5).join(' ')) & SIGPIPE_BIT).toBe(0n);
        expect(r.status).toBe(0);
    });
});

describe('the exec helper', () => {
    it('is given up, not run, once code that does not own it closed its fd', async () => {
        const child = spawnGjs(`import GLib from 'gi://GLib';
import * as kaa from KAA;
// No pipeline: the shell would hold the pipe's fds while ls looks.
const list = () => new kaa.Process(['sh', '-c', 'ls /proc/$$/fd']).communicate().then(([out]) => out.trim().split('\\n').join(' '));
list().then(first => {
    for (let fd = 3; fd < 64; fd++) {
        try {
            if (GLib.file_read_link('/proc/self/fd/' + fd).includes('kaa-exec-'))
                GLib.close(fd);
        } catch {}
    }
    return list().then(second => print(first + '|' + second));
}).finally(() => kaa.main.stop());
kaa.main.run();`);
        const r = await child.done;
        expect(r.stdout.trim()).toBe('0 1 2|0 1 2');
        expect(r.stderr).toContain('was closed or replaced by someone else');
        expect(r.status).toBe(0);
    });

    afterEach(() => {
        expect(liveChildren()).toBe(0);
    });

    it('runs a file without a #! line with /bin/sh (as GLib does), with its arguments, in cwd', async () => {
        const dir = GLib.dir_make_tmp('kaa-exec-spec-XXXXXX');
        const script = `${dir}/plain`;
        try {
            GLib.file_set_contents_full(script, 'echo "$0|$1|$2|$(pwd)"\n', GLib.FileSetContentsFlags.NONE, 0o755);
            const [out] = await new Process(['./plain', 'a b', 'c'], { cwd: dir }).communicate();
            expect(out).toBe(`./plain|a b|c|${dir}\n`);
        } finally {
            GLib.unlink(script);
            GLib.rmdir(dir);
        }
    });

    it('keeps argv[0] as written, and the pid is the program\'s', async () => {
        // It waits for stdin's end (communicate() closes it): a child that ends at once may be reaped before start() reads its pid.
        const proc = new Process(['sh', '-c', 'read x; echo "$0 $$"', 'name-as-written']);
        const [out] = await proc.communicate();
        expect(out).toBe(`name-as-written ${proc.pid}\n`);
        const [own] = await new Process(['sh', '-c', 'echo $0']).communicate();
        expect(own).toBe('sh\n');
    });
});
