// examples/follow (a `tail -f` follower on kaa.Process) and examples/jobs (a
// parallel job runner with a progress line), run as programs.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { ROOT, runExample, sleep, spawnExample } from '../examples/example-child.js';

/** Appends to the file in place (tail -f follows the open file, not a replacement). */
function append(path: string, text: string): void {
    const stream = Gio.File.new_for_path(path).append_to(Gio.FileCreateFlags.NONE, null);
    stream.write_all(new TextEncoder().encode(text), null);
    stream.close(null);
}

function gone(pid: number): boolean {
    return !GLib.file_test(`/proc/${pid}`, GLib.FileTest.EXISTS);
}

describe('examples/follow', () => {
    it('prints the lines appended to a file and stops its tail child on SIGTERM', async () => {
        const dir = GLib.dir_make_tmp('kaa-follow-XXXXXX');
        const file = `${dir}/log; $HOME.txt`;
        GLib.file_set_contents(file, 'old 1\nold 2\n');
        try {
            const child = spawnExample(['gjs', '-m', 'examples/follow/main.js', '-n', '1', '--grep', 'o', file]);
            const head = await child.waitFor('tail pid');
            const pid = Number(/tail pid (\d+)/.exec(head)?.[1]);
            expect(await child.waitFor('old 2')).toBe('     1  old 2');
            append(file, 'new one\nskipped\nnew two\n');
            expect(await child.waitFor('new two')).toBe('     4  new two');
            child.kill(15);
            const r = await child.done;
            expect(r.status).toBe(143);
            expect(r.stdout).toContain('     2  new one\n');
            expect(r.stdout).not.toContain('skipped');
            expect(r.stderr).toContain('4 line(s) read, 3 shown; tail ended with -15');
            expect(gone(pid)).toBeTrue();
        } finally {
            GLib.spawn_command_line_sync(`rm -rf ${dir}`);
        }
    });

    it("ends with tail's status when tail cannot follow the file", async () => {
        const r = await runExample(['gjs', '-m', 'examples/follow/main.js', '/nonexistent/kaa-follow']);
        expect(r.status).toBe(1);
        expect(r.stderr).toContain("cannot open '/nonexistent/kaa-follow'");
        expect(r.stderr).toContain('tail exited with 1');
    });
});

describe('examples/jobs', () => {
    const jobs = [
        'echo one',
        'sh -c "sleep 0.3; echo two"',
        '# a comment',
        "printf '%s|' 'a;b' '$HOME' '>x'",
        'sh -c "echo err >&2; exit 3"',
        'kaa-no-such-program',
        'sleep 0.2',
    ].join('\n');

    it('runs every job N at a time without a shell and prints each output as one block', async () => {
        const dir = GLib.dir_make_tmp('kaa-jobs-XXXXXX');
        try {
            GLib.file_set_contents(`${dir}/jobs`, jobs);
            const r = await runExample(['gjs', '-m', `${ROOT}/examples/jobs/main.js`, '-j', '3', '--keep-going', `${dir}/jobs`], { cwd: dir });
            expect(r.status).toBe(1);
            expect(r.stdout).toContain('[1] echo one: ok\n    one\n');
            expect(r.stdout).toContain('[2] sh -c "sleep 0.3; echo two": ok\n    two\n');
            expect(r.stdout).toContain("[3] printf '%s|' 'a;b' '$HOME' '>x': ok\n    a;b|$HOME|>x|\n");
            expect(r.stdout).toContain('[4] sh -c "echo err >&2; exit 3": FAILED (exit 3)\n    err\n');
            expect(r.stdout).toMatch(/\[5\] kaa-no-such-program: FAILED TO START\n {4}.*No such file or directory/);
            expect(r.stdout).toContain('[6] sleep 0.2: ok\n');
            expect(r.stderr).toContain('6/6 done, 0 running, 2 failed');
            expect(r.stderr).toContain('kaa-jobs: 6 of 6 job(s) finished, 2 failed');
            expect(GLib.file_test(`${dir}/x`, GLib.FileTest.EXISTS)).withContext('no shell redirected to x').toBeFalse();
        } finally {
            GLib.spawn_command_line_sync(`rm -rf ${dir}`);
        }
    });

    it('stops the running jobs on SIGTERM and reaps them', async () => {
        const dir = GLib.dir_make_tmp('kaa-jobs-XXXXXX');
        try {
            GLib.file_set_contents(`${dir}/jobs`, 'sh -c "echo started; exec sleep 30"\nsleep 30\nsleep 30\n');
            const child = spawnExample(['gjs', '-m', 'examples/jobs/main.js', '-j', '2', `${dir}/jobs`]);
            let pids: number[] = [];
            for (let i = 0; i < 100 && pids.length < 2; i++) {
                await sleep(0.05);
                const [, out] = GLib.spawn_command_line_sync(`pgrep -P ${child.proc.get_identifier()}`);
                pids = new TextDecoder().decode(out as Uint8Array).trim().split('\n').filter(Boolean).map(Number);
            }
            expect(pids.length).withContext('two jobs run at once (-j 2)').toBe(2);
            child.kill(15);
            const r = await child.done;
            expect(r.status).toBe(143);
            expect(r.stderr).toContain('stopping 2 running job(s)');
            for (const pid of pids)
                expect(gone(pid)).withContext(`job pid ${pid}`).toBeTrue();
        } finally {
            GLib.spawn_command_line_sync(`rm -rf ${dir}`);
        }
    });
});
