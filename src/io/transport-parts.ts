/**
 * The types around io/transport.ts's `Transport`: what it is built from
 * (source.ts makes them) and where it delivers what it reads.
 * @module
 */
import type Gio from 'gi://Gio';

/** Where a transport delivers what it reads. @internal */
export interface ReadSink {
    /** A chunk arrived (never empty). */
    data(chunk: Uint8Array): void;
    /** End of file (`error` null) or a read error; reading has stopped. */
    end(error: unknown): void;
    /**
     * Whether to look for more input in the same callback (a burst); by
     * default while the stream says it is readable. A frame link answers
     * false when its last read did not fill its buffer: one
     * `is_readable()` less per frame.
     */
    more?(): boolean;
    /** Reads a chunk of at most `size` bytes itself (null: the transport reads its stream). */
    read?(size: number): Uint8Array | null;
}

/** The three kinds (see the module comment). @internal */
export type TransportKind = 'fd' | 'stream' | 'tls';

/** What a transport is built from. @internal */
export interface TransportParts {
    kind: TransportKind;
    /** The fd whose readability announces input, -1 when none is known. */
    readFd: number;
    /** The fd whose writability announces room for output, -1 when none is known. */
    writeFd: number;
    input: Gio.InputStream | null;
    output: Gio.OutputStream | null;
    /** Closes what the channel owns (or nothing with `closeFd: false`). */
    close: () => void;
    /** A short description for error messages (`fd 5`, `a Gio.TlsClientConnection`). */
    label: string;
}
