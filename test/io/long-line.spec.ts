// Lines longer than `maxLineLength`: readline(), lines() and the readline
// signal deliver them in parts of at most that many bytes (never cutting a
// delimiter or a UTF-8 character), and memory stays bounded by it.
import GLib from 'gi://GLib';
import { main } from '../../src/notifier/loop.js';
import { IOChannel } from '../../src/io/index.js';
import { piped } from './helpers.js';

const MiB = 1024 * 1024;

function rssMiB(): number {
    const status = new TextDecoder().decode(GLib.file_get_contents('/proc/self/status')[1]);
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const bytes = (s: string) => new TextEncoder().encode(s).length;

/** Writes `text` through `cat` into a channel with `options` and collects its lines until end of file. */
function linesOf(text: string, options: ConstructorParameters<typeof IOChannel>[1]): string[] {
    const p = piped(['cat'], {}, options);
    p.input.write(text);
    p.input.close();
    const lines: string[] = [];
    for (let line = p.output.readline().wait(10); line !== ''; line = p.output.readline().wait(10))
        lines.push(line);
    p.finish();
    return lines;
}

describe('IOChannel maxLineLength', () => {
    it('reads 512 MiB with no newline through readline() in parts of 1 MiB at most, RSS growing far less than the stream', () => {
        const p = piped(['head', '-c', `${512 * MiB}`, '/dev/zero']);
        const before = rssMiB();
        let peak = before;
        let total = 0;
        let longest = 0;
        for (let parts = 1; ; parts++) {
            const line = p.output.readline().wait(30);
            if (line === '')
                break;
            total += line.length;
            longest = Math.max(longest, line.length);
            if (parts % 8 === 0)
                peak = Math.max(peak, rssMiB());
        }
        expect(total).toBe(512 * MiB);
        expect(longest).toBe(MiB);
        // Measured growth: 36 MiB on GJS 1.74, under 48 on 1.82, 51–124 on
        // 1.90 (whose GC returns freed parts later): a quarter of the stream
        // bounds them all, while holding the line would take 512 MiB.
        expect(peak - before).withContext(`RSS ${before.toFixed(0)} → peak ${peak.toFixed(0)} MiB`).toBeLessThan(128);
        p.finish();
    }, 120000);

    it('delivers a line longer than maxLineLength in parts, the delimiter only at the end of the last', () => {
        const long = `${'x'.repeat(2500)}\n`;
        const lines = linesOf(`${long}short\n`, { maxLineLength: 1000 });
        expect(lines.map(l => l.length)).toEqual([1000, 1000, 501, 6]);
        expect(lines.slice(0, 2).every(l => !l.endsWith('\n'))).toBeTrue();
        expect(lines.join('')).toBe(`${long}short\n`);
    });

    it('never cuts a UTF-8 character or a two-byte delimiter', () => {
        const text = `${'é'.repeat(3000)}\r\n${'abcdefg'}\r\nend`;
        const lines = linesOf(text, { maxLineLength: 1001, delimiter: '\r\n' });
        expect(lines.join('')).toBe(text);
        expect(lines.some(l => l.includes('\ufffd'))).toBeFalse();
        expect(lines.every(l => bytes(l) <= 1001)).toBeTrue();
        expect(lines.filter(l => l.startsWith('\n'))).toEqual([]);
        const tight = linesOf('abcdefgh\r\nij\r\n', { maxLineLength: 8, delimiter: '\r\n' });
        expect(tight.join('')).toBe('abcdefgh\r\nij\r\n');
        expect(tight.every(l => bytes(l) <= 8 && !l.startsWith('\n'))).toBeTrue();
    });

    it('applies to lines()', async () => {
        const p = piped(['cat'], {}, { maxLineLength: 100 });
        p.input.write(`${'y'.repeat(250)}\nz\n`);
        p.input.close();
        const got: string[] = [];
        for await (const line of p.output.lines())
            got.push(line);
        expect(got.map(l => l.length)).toEqual([100, 100, 50, 1]);
        await p.finishAsync();
    });

    it('applies to the readline signal', () => {
        const q = piped(['cat'], {}, { maxLineLength: 100 });
        const signalled: string[] = [];
        q.output.signals.readline.connect(line => void signalled.push(line));
        q.input.write(`${'w'.repeat(150)}\n`);
        q.input.close();
        main.loop(() => signalled.join('').length < 151, 5);
        expect(signalled.map(l => l.length)).toEqual([100, 51]);
        q.finish();
    });

    it('rejects a maxLineLength that is not an integer > 0, naming it', () => {
        expect(() => new IOChannel(null as never, { maxLineLength: 0 })).toThrowError(TypeError, /maxLineLength.*got 0/);
        expect(() => new IOChannel(null as never, { maxLineLength: 1.5 })).toThrowError(TypeError, /maxLineLength/);
    });
});
