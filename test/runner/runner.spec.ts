// The spec runner's own specs: it runs fixture spec files through the real
// orchestrator (node test/runner/run.mjs) and checks what it reports.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

const root = GLib.getenv('KAA_ROOT') ?? GLib.get_current_dir();

/** Runs the orchestrator on fixture files; resolves with [exit status, stdout]. */
function runFixtures(...args: string[]): Promise<[number, string]> {
    const argv = ['node', `${root}/test/runner/run.mjs`, '--jobs', '1', ...args];
    const proc = Gio.Subprocess.new(argv, Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_MERGE);
    return new Promise((resolve, reject) => {
        proc.communicate_utf8_async(null, null, (_p, res) => {
            try {
                const [, stdout] = proc.communicate_utf8_finish(res);
                resolve([proc.get_exit_status(), stdout ?? '']);
            } catch (e) {
                reject(e);
            }
        });
    });
}

const fixture = (name: string) => `${root}/test/runner/fixtures/${name}.spec.ts`;
const lastLine = (out: string) => out.trim().split('\n').pop();

describe('the spec runner', () => {
    it('passes a passing file and ends with the closing line', async () => {
        const [status, out] = await runFixtures(fixture('passing'));
        expect(status).toBe(0);
        expect(lastLine(out)).toBe('jasmine: 2 passed, 0 failed');
    });

    it('fails the run when a spec fails', async () => {
        const [status, out] = await runFixtures(fixture('failing'));
        expect(status).toBe(1);
        expect(out).toContain('a failing fixture fails on purpose');
        expect(lastLine(out)).toBe('jasmine: 1 passed, 1 failed');
    });

    it('reports an import error as a failing spec named after the file', async () => {
        const [status, out] = await runFixtures(fixture('import-error'));
        expect(status).toBe(1);
        expect(out).toContain('test/runner/fixtures/import-error.spec.ts did not import correctly');
        expect(out).toContain('this fixture fails while importing');
        expect(lastLine(out)).toBe('jasmine: 0 passed, 1 failed');
    });

    it('times out a hanging spec and kills a file that stalls the loop', async () => {
        const [status, out] = await runFixtures('--timeout', '1', '--watchdog', '3', fixture('hanging'));
        expect(status).toBe(1);
        expect(out).toContain('Async function did not complete within 1000ms');
        expect(out).toContain('spec did not finish: stalled');
        expect(lastLine(out)).toBe('jasmine: 0 passed, 2 failed');
    });

    it('runs only the specs that match --filter', async () => {
        const [status, out] = await runFixtures('--filter', 'passes$', fixture('failing'));
        expect(status).toBe(0);
        expect(lastLine(out)).toBe('jasmine: 1 passed, 0 failed');
    });

    it('writes TAP and JUnit reports', async () => {
        const junit = `${GLib.get_tmp_dir()}/kaa-runner-${GLib.random_int()}.xml`;
        const [, out] = await runFixtures('--tap', '--junit', junit, fixture('failing'));
        expect(out).toContain('ok 1 - a failing fixture passes');
        expect(out).toContain('not ok 2 - a failing fixture fails on purpose');
        const [, bytes] = GLib.file_get_contents(junit);
        GLib.unlink(junit);
        const xml = new TextDecoder().decode(bytes);
        expect(xml).toContain('<testcase classname="test/runner/fixtures/failing.spec.ts" name="a failing fixture fails on purpose"');
        expect(xml).toContain('<failure message="Expected 1 to be 2."');
    });
});
