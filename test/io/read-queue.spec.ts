// The read queue's line search (unit level): delimiters split across
// chunks, lists of delimiters, the scan remembered between calls.
import { ReadQueue, compileDelimiter } from '../../src/io/read-queue.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Pushes `text` in chunks of `size` bytes. */
function queueOf(text: string, size: number): ReadQueue {
    const q = new ReadQueue();
    const bytes = enc(text);
    for (let i = 0; i < bytes.length; i += size)
        q.push(bytes.slice(i, i + size));
    return q;
}

function lines(q: ReadQueue, delimiters: Uint8Array[]): string[] {
    const out: string[] = [];
    for (let end = q.findLine(delimiters); end; end = q.findLine(delimiters))
        out.push(dec(q.take(end.end)));
    return out;
}

describe('ReadQueue', () => {
    it('finds lines whose delimiter spans chunks, for every chunk size', () => {
        const text = 'alpha\r\nbeta\r\n\r\ngamma\r\nrest';
        for (let size = 1; size <= text.length; size++) {
            const q = queueOf(text, size);
            expect(lines(q, compileDelimiter('\r\n', 'spec'))).withContext(`chunks of ${size}`)
                .toEqual(['alpha\r\n', 'beta\r\n', '\r\n', 'gamma\r\n']);
            expect(dec(q.takeAll())).toBe('rest');
        }
    });

    it('takes the earliest match of a list, the longest one when two start at the same byte', () => {
        const q = queueOf('a;b\r\nc\nd;;e', 2);
        expect(lines(q, compileDelimiter([';', '\n', '\r\n', ';;'], 'spec'))).toEqual(['a;', 'b\r\n', 'c\n', 'd;;']);
        expect(q.size).toBe(1);
    });

    it('does not report a delimiter before all its bytes arrived', () => {
        const q = new ReadQueue();
        const d = compileDelimiter('END', 'spec');
        q.push(enc('xxE'));
        expect(q.findLine(d)).toBeNull();
        q.push(enc('N'));
        expect(q.findLine(d)).toBeNull();
        q.push(enc('Dyy'));
        expect(q.findLine(d)).toEqual({ end: 5, delimiterLength: 3 });
    });

    it('names a bad delimiter', () => {
        expect(() => compileDelimiter('', 'IOChannel')).toThrowError(TypeError, /delimiter/);
        expect(() => compileDelimiter([], 'IOChannel')).toThrowError(TypeError, /empty list/);
        expect(() => compileDelimiter(10, 'IOChannel')).toThrowError(TypeError, /got 10/);
        expect(compileDelimiter(new Uint8Array([0]), 'x')).toEqual([new Uint8Array([0])]);
    });
});
