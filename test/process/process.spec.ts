// Process (src/process/): starting, exit codes, signals, the stop
// escalation, argv without a shell, cwd/env, output by chunks and lines,
// communicate(), many children at once. Every spec stops what it started.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { main } from '../../src/notifier/loop.js';
import { InProgress, inprogress } from '../../src/async/index.js';
import { Process } from '../../src/process/index.js';
import { liveChildren } from '../../src/process/supervisor.js';

const decoder = new TextDecoder();

function alive(pid: number): boolean {
    try {
        const [, data] = GLib.file_get_contents(`/proc/${pid}/stat`);
        return !decoder.decode(data).split(') ')[1].startsWith('Z');
    } catch {
        return false;
    }
}

function tmpdir(): string {
    return GLib.dir_make_tmp('kaa-process-XXXXXX');
}

/** Collects the `readline` emissions of a process. */
function lines(proc: Process): [string, string][] {
    const seen: [string, string][] = [];
    proc.signals.readline.connect((line, stream) => void seen.push([line, stream]));
    return seen;
}

/** Waits for `ip` and for the process's `finished` (exit and both streams at their end). */
function finish(proc: Process, ip: InProgress<number>, timeout = 10): number {
    let done = false;
    const mark = () => void (done = true);
    proc.signals.finished.connect(mark);
    const code = ip.wait(timeout);
    main.loop(() => !done, timeout);
    proc.signals.finished.disconnect(mark);
    expect(done).withContext('finished was emitted').toBeTrue();
    return code;
}

describe('Process', () => {
    afterEach(() => {
        expect(liveChildren()).toBe(0);
    });

    describe('exit codes', () => {
        it('finishes start() with the exit status and emits exited, then finished', () => {
            const proc = new Process(['sh', '-c', 'echo out; exit 7']);
            const events: string[] = [];
            proc.signals.exited.connect(code => void events.push(`exited ${code}`));
            proc.signals.finished.connect(code => void events.push(`finished ${code}`));
            proc.signals.readline.connect(line => void events.push(`line ${line.trim()}`));
            expect(proc.state).toBe('stopped');
            expect(proc.exitcode).toBeNull();
            const ip = proc.start();
            expect(proc.state).toBe('running');
            expect(proc.running).toBeTrue();
            expect(ip.wait(5)).toBe(7);
            main.loop(() => !events.some(e => e.startsWith('finished')), 5);
            expect(proc.exitcode).toBe(7);
            expect(proc.state).toBe('stopped');
            expect(proc.running).toBeFalse();
            expect(events).toContain('exited 7');
            expect(events).toContain('line out');
            expect(events[events.length - 1]).toBe('finished 7');
            expect(new Process('true').start().wait(5)).toBe(0);
        });

        it('reports a child killed by a signal with minus the signal number', () => {
            expect(new Process(['sh', '-c', 'kill -USR1 $$; sleep 5']).start().wait(5)).toBe(-10);
            const proc = new Process(['sleep', '30']);
            const ip = proc.start();
            main.loop(true, 0.05);
            proc.sendSignal(9);
            expect(ip.wait(5)).toBe(-9);
            expect(proc.exitcode).toBe(-9);
        });

        it('can be restarted after its child exited, with a new pid', () => {
            const proc = new Process(['sh', '-c', 'sleep 0.1; exit $0']);
            expect(proc.pid).toBeNull();
            expect(proc.start(['3']).wait(5)).toBe(3);
            const first = proc.pid;
            expect(first).toBeGreaterThan(0);
            expect(proc.start(['4']).wait(5)).toBe(4);
            expect(proc.pid).toBeGreaterThan(0);
            expect(proc.pid).not.toBe(first);
        });

        it('is what kaa.inprogress(process) waits for', () => {
            const proc = new Process(['sh', '-c', 'exit 2']);
            expect(() => proc.inprogress()).toThrowError(/has not been started/);
            const ip = proc.start();
            expect(proc.inprogress()).toBe(ip);
            expect(inprogress(proc)).toBe(ip);
            expect(ip.wait(5)).toBe(2);
        });
    });

    describe('misuse and failures', () => {
        it('fails start() with the OS error when the program does not exist, and stays stopped', () => {
            const proc = new Process(['/nonexistent/kaa-no-such-program', 'x']);
            const ip = proc.start();
            expect(ip.finished).toBeTrue();
            expect(ip.failed).toBeTrue();
            const error = ip.exception as Error;
            expect(error).toBeInstanceOf(Error);
            expect(error.message).toMatch(/cannot start .*kaa-no-such-program.*No such file or directory/);
            expect(error.cause).toBeDefined();
            expect(proc.state).toBe('stopped');
            expect(proc.running).toBeFalse();
            expect(proc.pid).toBeNull();
            const searched = new Process('kaa-no-such-program-in-path').start();
            expect(String((searched.exception as Error).message)).toMatch(/No such file or directory/);
        });

        it('fails start() when cwd does not exist', () => {
            const ip = new Process(['true'], { cwd: '/nonexistent/kaa-dir' }).start();
            expect(ip.failed).toBeTrue();
            expect((ip.exception as Error).message).toMatch(/kaa-dir/);
        });

        it('refuses an empty command line', () => {
            expect(() => new Process([]).start()).toThrowError(TypeError, /command line is empty/);
            expect(() => new Process('').start()).toThrowError(TypeError, /command line is empty/);
            expect(() => new Process('   ').start([])).toThrowError(TypeError, /command line is empty/);
            expect(() => new Process([''], {}).start()).toThrowError(TypeError, /command line is empty/);
            expect(() => new Process('', { shell: true }).start()).toThrowError(TypeError, /command line is empty/);
            expect(new Process([]).start(['sh', '-c', 'exit 5']).wait(5)).toBe(5);
        });

        it('throws when started twice while running', () => {
            const proc = new Process(['sleep', '30']);
            const ip = proc.start();
            expect(() => proc.start()).toThrowError(Error, /already running/);
            proc.stop().wait(5);
            expect(ip.result).toBe(-15);
        });

        it('refuses shell: true with an array, and other bad arguments', () => {
            expect(() => new Process(['echo', 'hi'], { shell: true })).toThrowError(TypeError, /`shell: true` needs a string command/);
            expect(() => new Process('echo', { shell: true }).start(['x'])).toThrowError(TypeError, /`args` must be a string/);
            expect(() => new Process(42 as unknown as string)).toThrowError(TypeError, /`cmd` must be a string or an array/);
            expect(() => new Process(['a', 1 as unknown as string])).toThrowError(TypeError, /argument 1 must be a string/);
            expect(() => new Process('a', { shel: true } as never)).toThrowError(TypeError, /unknown option `shel`/);
            expect(() => new Process('a', { env: { A: 1 } } as never)).toThrowError(TypeError, /`env.A` must be a string or null/);
            expect(() => new Process('echo "unbalanced')).toThrowError(TypeError, /cannot split/);
            expect(() => new Process('a').stop({ wait: -1 })).toThrowError(TypeError, /`wait` must be a finite number >= 0/);
            expect(() => new Process('a').write('x')).toThrowError(Error, /no child is running/);
        });
    });

    describe('arguments', () => {
        it('passes ;, $HOME, quotes and spaces literally: no shell sees them', () => {
            const args = ['a;b', '$HOME', 'x y', '`id`', '*', "it's", '"q"', '>out'];
            const [out] = new Process(['printf', '%s\\n', ...args]).communicate().wait(5);
            expect(out).toBe(args.map(a => `${a}\n`).join(''));
            const [split] = new Process("printf '%s\\n' 'a b' ';' '$HOME' \"c d\"").communicate().wait(5);
            expect(split).toBe('a b\n;\n$HOME\nc d\n');
            const [escaped] = new Process("printf '%s|' a\\ b").communicate().wait(5);
            expect(escaped).toBe('a b|');
        });

        it('appends start() arguments, split from a string or taken as they are', () => {
            const proc = new Process(['printf', '%s|']);
            const got = lines(proc);
            let code = proc.start("'a b' c");
            finish(proc, code);
            expect(got).toEqual([['a b|c|', 'stdout']]);
            const [out] = new Process(['printf', '%s|']).communicate().wait(5);
            expect(out).toBe('|');
            const two = new Process(['printf', '%s|']);
            const chunks: string[] = [];
            two.signals.read.connect(data => void chunks.push(decoder.decode(data)));
            code = two.start(['a b', '$X']);
            finish(two, code);
            expect(chunks.join('')).toBe('a b|$X|');
        });

        it('runs a string through /bin/sh -c with shell: true', () => {
            const [out] = new Process('echo $((1 + 2)); echo "$0"', { shell: true }).communicate().wait(5);
            expect(out).toBe('3\n/bin/sh\n');
            const proc = new Process('echo', { shell: true });
            const got = lines(proc);
            finish(proc, proc.start('a; echo b'));
            expect(got).toEqual([['a\n', 'stdout'], ['b\n', 'stdout']]);
        });
    });

    describe('cwd and env', () => {
        it('runs in cwd', () => {
            const dir = tmpdir();
            try {
                const [out] = new Process(['pwd'], { cwd: dir }).communicate().wait(5);
                expect(out).toBe(`${dir}\n`);
            } finally {
                GLib.rmdir(dir);
            }
        });

        it('merges env into the parent environment, and null unsets a variable', () => {
            GLib.setenv('KAA_SPEC_INHERITED', 'from-parent', true);
            GLib.setenv('KAA_SPEC_UNSET_ME', 'still-here', true);
            try {
                const script = 'echo "$KAA_SPEC_NEW|$KAA_SPEC_INHERITED|${KAA_SPEC_UNSET_ME-unset}|$HOME"';
                const [out] = new Process(['sh', '-c', script],
                    { env: { KAA_SPEC_NEW: 'new value; $HOME', KAA_SPEC_UNSET_ME: null } }).communicate().wait(5);
                expect(out).toBe(`new value; $HOME|from-parent|unset|${GLib.get_home_dir()}\n`);
                const [plain] = new Process(['sh', '-c', 'echo "${KAA_SPEC_UNSET_ME-unset}"']).communicate().wait(5);
                expect(plain).toBe('still-here\n');
            } finally {
                GLib.unsetenv('KAA_SPEC_INHERITED');
                GLib.unsetenv('KAA_SPEC_UNSET_ME');
            }
        });
    });

    describe('output', () => {
        it('splits lines across chunk boundaries and delivers a last partial line', () => {
            const proc = new Process(['sh', '-c',
                "printf 'ab'; sleep 0.05; printf 'c\\nde'; sleep 0.05; printf 'f\\ng\\nh'; printf 'e1\\ne' >&2; sleep 0.05; printf '2' >&2"]);
            const got = lines(proc);
            const reads: string[] = [];
            proc.signals.read.connect((data, stream) => void reads.push(`${stream}:${decoder.decode(data)}`));
            finish(proc, proc.start());
            expect(got.filter(([, s]) => s === 'stdout').map(([l]) => l)).toEqual(['abc\n', 'def\n', 'g\n', 'h']);
            expect(got.filter(([, s]) => s === 'stderr').map(([l]) => l)).toEqual(['e1\n', 'e2']);
            expect(reads.filter(r => r.startsWith('stdout:')).length).toBeGreaterThanOrEqual(3);
            expect(reads.filter(r => r.startsWith('stdout:')).map(r => r.slice(7)).join('')).toBe('abc\ndef\ng\nh');
        });

        it('uses its delimiter for both streams', () => {
            const proc = new Process(['sh', '-c', "printf 'a;b;c'; printf 'x;y' >&2"], { delimiter: ';' });
            expect(proc.delimiter).toBe(';');
            const got = lines(proc);
            finish(proc, proc.start());
            expect(got.filter(([, s]) => s === 'stdout').map(([l]) => l)).toEqual(['a;', 'b;', 'c']);
            expect(got.filter(([, s]) => s === 'stderr').map(([l]) => l)).toEqual(['x;', 'y']);
        });

        it('read() and readline() take the next output of either stream, then end', () => {
            const proc = new Process(['sh', '-c', 'echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three']);
            proc.start();
            expect(proc.readline().wait(5)).toBe('one\n');
            expect(proc.readline().wait(5)).toBe('two\n');
            expect(decoder.decode(proc.read().wait(5))).toBe('three\n');
            expect(proc.readline().wait(5)).toBe('');
            expect(proc.read().wait(5).length).toBe(0);
            proc.inprogress().wait(5);
        });

        it('writes to stdin', () => {
            const proc = new Process(['sh', '-c', 'read a; echo "got $a"; read b; exit $b']);
            const ip = proc.start();
            expect(proc.write('hello\n').wait(5)).toBe(6);
            expect(proc.readline().wait(5)).toBe('got hello\n');
            proc.write(new TextEncoder().encode('9\n'));
            expect(ip.wait(5)).toBe(9);
        });

        it('has its channels before start() and wires them to each child', () => {
            const proc = new Process(['sh', '-c', 'cat; echo done >&2']);
            const finished: number[] = [];
            proc.signals.finished.connect(code => void finished.push(code));
            const stdin = proc.stdin, stdout = proc.stdout, stderr = proc.stderr;
            expect(stdin).toBeDefined();
            const ip = proc.start();
            expect(proc.stdin).toBe(stdin);
            expect(proc.stdout).toBe(stdout);
            expect(proc.stderr).toBe(stderr);
            proc.stdin.write('via channel\n');
            expect(proc.stdout.readline().wait(5)).toBe('via channel\n');
            proc.stdin.close();
            expect(proc.stderr.readline().wait(5)).toBe('done\n');
            expect(proc.stdout.readline().wait(5)).toBe('');
            expect(proc.stderr.read().wait(5).length).toBe(0);
            expect(ip.wait(5)).toBe(0);
            main.loop(() => finished.length === 0, 5);
            expect(finished).toEqual([0]);
            expect(proc.stdout.alive || proc.stderr.alive || proc.stdin.alive).toBeFalse();
        });

        it('copies stdout and stderr to a dumpfile', () => {
            const dir = tmpdir();
            const path = `${dir}/dump.txt`;
            try {
                const proc = new Process(['sh', '-c', 'echo out; sleep 0.05; echo err >&2'], { dumpfile: path });
                finish(proc, proc.start());
                const [, data] = GLib.file_get_contents(path);
                expect(decoder.decode(data)).toBe('out\nerr\n');
            } finally {
                GLib.unlink(path);
                GLib.rmdir(dir);
            }
        });
    });

    describe('communicate()', () => {
        it('writes the input, closes stdin and finishes with stdout and stderr', () => {
            const [out, err] = new Process(['sh', '-c', 'sort; echo warn >&2']).communicate('b\nc\na\n').wait(5);
            expect(out).toBe('a\nb\nc\n');
            expect(err).toBe('warn\n');
            const [bytes] = new Process(['cat']).communicate(new Uint8Array([0x68, 0xc3, 0xa9, 0x0a])).wait(5);
            expect(bytes).toBe('hé\n');
        });

        it('does not deadlock while the child writes a lot back as it reads', () => {
            const input = new Uint8Array(8 * 1024 * 1024);
            for (let i = 0; i < input.length; i++)
                input[i] = 97 + (i % 26);
            const [out, err] = new Process(['sh', '-c', 'cat; cat /dev/null >&2']).communicate(input).wait(30);
            expect(err).toBe('');
            expect(out.length).toBe(input.length);
            expect(out.slice(0, 28)).toBe('abcdefghijklmnopqrstuvwxyzab');
            expect(out.slice(-3)).toBe(decoder.decode(input.subarray(-3)));
        });

        it('streams 100 MiB through cat while writing 100 MiB to it, without deadlock, bytes intact', () => {
            const size = 100 * 1024 * 1024, piece = 512 * 1024;
            const input = new Uint8Array(size);
            for (let i = 0; i < size; i++)
                input[i] = (i * 7 + (i >> 12)) & 0xff;
            const expected = GLib.compute_checksum_for_data(GLib.ChecksumType.SHA256, input);
            const proc = new Process(['cat']);
            const checksum = new GLib.Checksum(GLib.ChecksumType.SHA256);
            let received = 0;
            proc.signals.read.connect((data, stream) => {
                expect(stream).toBe('stdout');
                checksum.update(data);
                received += data.length;
            });
            const ip = proc.start();
            let offset = 0;
            const pump = (): void => {
                while (offset < size) {
                    const written = proc.write(input.subarray(offset, offset + piece));
                    offset += piece;
                    if (!written.finished) {
                        written.connect(pump);
                        return;
                    }
                }
                proc.stdin.close();
            };
            pump();
            expect(finish(proc, ip, 60)).toBe(0);
            expect(received).toBe(size);
            expect(checksum.get_string()).toBe(expected as string);
        });

        it('fails with the start error when the program is missing', () => {
            const ip = new Process(['/nonexistent/kaa-no-such-program']).communicate('x');
            expect(ip.failed).toBeTrue();
            expect(String((ip.exception as Error).message)).toMatch(/No such file or directory/);
        });
    });

    describe('stop()', () => {
        it('sends SIGTERM and finishes once the child is reaped', () => {
            const proc = new Process(['sleep', '30']);
            const ip = proc.start();
            const stop = proc.stop();
            expect(proc.stopping).toBeTrue();
            expect(proc.state).toBe('dying');
            stop.wait(5);
            expect(ip.result).toBe(-15);
            expect(proc.state).toBe('stopped');
            expect(proc.stopping).toBeFalse();
        });

        it('escalates to SIGKILL when the child ignores SIGTERM', () => {
            const proc = new Process(['sh', '-c', 'trap "" TERM; echo ready; exec sleep 30']);
            const ip = proc.start();
            expect(proc.readline().wait(5)).toBe('ready\n');
            const t0 = GLib.get_monotonic_time();
            proc.stop({ wait: 0.3 }).wait(5);
            const waited = (GLib.get_monotonic_time() - t0) / 1e6;
            expect(ip.result).toBe(-9);
            expect(waited).toBeGreaterThanOrEqual(0.29);
            expect(alive(proc.pid as number)).toBeFalse();
        });

        it('writes a string stop command to stdin first and waits for the exit', () => {
            const proc = new Process(['sh', '-c', 'trap "" TERM; read cmd; echo "bye $cmd"; exit 4']);
            const got = lines(proc);
            const ip = proc.start();
            const stop = proc.stop({ cmd: 'quit\n', wait: 5 });
            expect(proc.state).toBe('stopping');
            stop.wait(5);
            expect(ip.result).toBe(4);
            main.loop(() => got.length === 0, 5);
            expect(got).toEqual([['bye quit\n', 'stdout']]);
        });

        it('calls a function stop command, and uses stopCommand by default', () => {
            const proc = new Process(['sleep', '30']);
            const calls: unknown[] = [];
            proc.stopCommand = p => {
                calls.push(p);
                (p as Process).sendSignal(2);
            };
            const ip = proc.start();
            proc.stop().wait(5);
            expect(calls).toEqual([proc]);
            expect(ip.result).toBe(-2);
        });

        it('leaves a child that survives SIGKILL hung, fails both InProgresses, and still reaps it later', () => {
            const proto = Gio.Subprocess.prototype as unknown as { send_signal: (signo: number) => void };
            const original = proto.send_signal;
            // An unkillable child (uninterruptible sleep) cannot be made on purpose: drop SIGKILL instead.
            const spy = spyOn(proto, 'send_signal').and.callFake(function (this: Gio.Subprocess, signo: number) {
                if (signo !== 9)
                    original.call(this, signo);
            });
            const proc = new Process(['sh', '-c', 'trap "" TERM; echo ready; exec sleep 30']);
            const exited: number[] = [];
            proc.signals.exited.connect(code => void exited.push(code));
            const ip = proc.start();
            const failures: unknown[] = [];
            ip.connectBoth(() => undefined, error => void failures.push(error));
            expect(proc.readline().wait(5)).toBe('ready\n');
            const stop = proc.stop({ wait: 0.05 });
            expect(() => stop.wait(5)).toThrowError(Error, /refuses to die even after SIGKILL \(waited 0\.1 s\)/);
            expect(proc.state).toBe('hung');
            expect(proc.running).toBeTrue();
            expect(failures).toEqual([stop.exception]);
            expect(spy.calls.allArgs()).toEqual([[15], [9]]);
            expect(liveChildren()).toBe(1);
            spy.and.callThrough();
            proc.sendSignal(9);
            main.loop(() => proc.running, 5);
            expect(proc.state).toBe('stopped');
            expect(proc.exitcode).toBe(-9);
            expect(exited).toEqual([-9]);
        });

        it('shares one InProgress between concurrent stop() calls', () => {
            const proc = new Process(['sleep', '30']);
            proc.start();
            const a = proc.stop();
            expect(proc.stop()).toBe(a);
            a.wait(5);
        });

        it('finishes at once when nothing runs', () => {
            const proc = new Process(['true']);
            expect(proc.stop().finished).toBeTrue();
            proc.start().wait(5);
            expect(proc.stop().finished).toBeTrue();
        });

        it('is what aborting start() does', () => {
            const proc = new Process(['sleep', '30']);
            const ip = proc.start();
            ip.abort();
            expect(ip.failed).toBeTrue();
            expect(proc.stopping).toBeTrue();
            main.loop(() => proc.running, 5);
            expect(proc.exitcode).toBe(-15);
        });
    });

    describe('exit detection', () => {
        it('notices an exit whose wait_async callback never ran (GJS 1.74 drops callbacks during a GC)', () => {
            const proto = Gio.Subprocess.prototype as unknown as { wait_async: (...a: unknown[]) => void };
            const original = proto.wait_async;
            spyOn(proto, 'wait_async').and.callFake(function (this: Gio.Subprocess, cancellable: unknown) {
                original.call(this, cancellable, () => undefined); // the GTask completes; JS never hears of it
            });
            const ip = new Process(['sh', '-c', 'exit 6']).start();
            expect(ip.wait(5)).toBe(6);
        });

        it('runs 200 children at once and gets every exit code', () => {
            const procs: Process[] = [];
            const ips: InProgress<number>[] = [];
            for (let i = 0; i < 200; i++) {
                const proc = new Process(['sh', '-c', `sleep 0.2; echo $0; exit ${i % 256}`, String(i)]);
                procs.push(proc);
                ips.push(proc.start());
            }
            expect(liveChildren()).toBe(200);
            const codes = InProgress.all(ips).wait(30);
            expect(codes).toEqual(ips.map((_, i) => i % 256));
            expect(procs.every(p => !alive(p.pid as number))).toBeTrue();
        });
    });
});
