// Process output and input: chunks and lines of both streams (with the
// stream's name), delimiters, read()/readline(), stdin, the channels, the
// dumpfile, communicate() and 100 MiB through cat without a deadlock.
import GLib from 'gi://GLib';
import { main } from '../../src/notifier/loop.js';
import { liveChildren } from '../../src/process/supervisor.js';
import { Process } from '../../src/process/index.js';
import { finish, lines, tmpdir } from './helpers.js';

const decoder = new TextDecoder();

describe('Process I/O', () => {
    afterEach(() => {
        expect(liveChildren()).toBe(0);
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
});
