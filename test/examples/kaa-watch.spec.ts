// examples/kaa-tool from the repository (gjs -m examples/kaa-tool/main.js):
// the command line, --initial, and changes during a run queueing one more.
import GLib from 'gi://GLib';
import { ROOT, runExample, sleep, spawnExample } from './example-child.js';

const tool = ['gjs', '-m', `${ROOT}/examples/kaa-tool/main.js`];

describe('examples/kaa-tool (kaa-watch)', () => {
    let dir = '';
    beforeEach(() => {
        dir = GLib.dir_make_tmp('kaa-watch-XXXXXX');
    });
    afterEach(() => {
        GLib.spawn_command_line_sync(`rm -rf ${GLib.shell_quote(dir)}`);
    });

    it('prints its usage with --help and refuses a bad command line with status 2', async () => {
        const help = await runExample([...tool, '--help']);
        expect(help.status).toBe(0);
        expect(help.stdout).toContain('Usage: kaa-watch [OPTIONS] DIR -- COMMAND');
        for (const [args, message] of [
            [[dir], 'no command given'],
            [['--', 'true'], 'no directory given'],
            [['--debounce', '-1', dir, '--', 'true'], '--debounce must be a number of seconds >= 0'],
            [['--bogus', dir, '--', 'true'], 'unknown option --bogus'],
            [[`${dir}/missing`, '--', 'true'], 'is not a directory'],
        ] as const) {
            const r = await runExample([...tool, ...args]);
            expect(r.status).withContext(args.join(' ')).toBe(2);
            expect(r.stderr).toContain(message);
        }
    }, 30000);

    it('runs at start with --initial; changes during a run queue exactly one more run', async () => {
        const child = spawnExample([...tool, '--initial', '--max-runs', '2', '--debounce', '0.05', dir, '--',
            'sh', '-c', 'echo "run"" sees: $(ls | tr "\\n" " ")"; sleep 0.5'], { cwd: dir });
        await child.waitFor('run sees:'); // the command's output (its argv, echoed by kaa-watch, says run"" sees)
        for (const name of ['a', 'b', 'c']) {
            GLib.file_set_contents(`${dir}/${name}`, name);
            await sleep(0.1);
        }
        const r = await child.done;
        expect(r.status).withContext(r.stderr).toBe(0);
        expect(r.stdout.match(/kaa-watch: running/g)?.length).toBe(2);
        expect(r.stdout).toContain('run sees: \n');
        expect(r.stdout).toContain('run sees: a b c \n');
        expect(r.stdout).toMatch(/kaa-watch: exit 0\n$/);
    }, 30000);

    it('passes all of the command\'s output on before it reports the exit, and before --max-runs ends it', async () => {
        // A child that writes one line and exits at once: its exit is often
        // seen before that line is read from the pipe (without waiting for
        // the Process's `finished`, 37 of 60 runs lost the line).
        for (let i = 0; i < 10; i++) {
            const r = await runExample([...tool, '--initial', '--max-runs', '1', dir, '--',
                'sh', '-c', 'echo last line'], { cwd: dir });
            expect(r.status).withContext(r.stderr).toBe(0);
            expect(r.stdout).withContext(`run ${i}`).toMatch(/\nlast line\nkaa-watch: exit 0\n$/);
        }
    }, 60000);

    it('stops a running command at SIGTERM (kaa shutdown) and exits 143', async () => {
        const child = spawnExample([...tool, '--initial', dir, '--', 'sh', '-c', 'echo started; exec sleep 30']);
        await child.waitFor('started');
        child.kill(15);
        const r = await child.done;
        expect(r.status).toBe(143);
    }, 30000);
});
