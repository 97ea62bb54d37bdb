/**
 * The GC policy of frame links (link.ts).
 *
 * Controlled GCs: GJS 1.74 refuses every GLib→JS callback while an
 * incremental GC is in progress (DESIGN.md §1), and `read_bytes()` buffers
 * are freed only by a GC. Traffic is counted here, and once
 * {@link GC_BYTES} have moved, the end of the next read dispatch (a point
 * where no user code runs) finishes a full GC with `System.gc()`. That keeps
 * the engine from starting incremental GCs of its own while frames flow,
 * and the memory of the links bounded. (A dropped watch is still re-armed,
 * watch.ts: this makes it rare, not impossible.)
 * @module
 */
import GLib from 'gi://GLib';
import system from 'system';

/**
 * Moved bytes after which a read dispatch ends with a full GC (32 MiB;
 * `KAA_WORKER_GC_BYTES` overrides it, e.g. to watch GJS drop callbacks
 * without it: `KAA_WORKER_GC_BYTES=1e15`).
 */
export const GC_BYTES = Number(GLib.getenv('KAA_WORKER_GC_BYTES')) || 32 * 1024 * 1024;
/** What one small frame counts for in {@link GC_BYTES} (the JS objects it made). */
const FRAME_COST = 4096;

let moved = 0;

/**
 * Counts traffic toward the next controlled GC: what a read allocated, or a
 * copy made to queue a write (a part written from where it is allocates
 * nothing: `noteMoved(0)` counts just its frame's JS objects).
 * @param bytes - bytes asked of a read or copied (small frames count as 4 KiB).
 * @example
 * noteMoved(frame.length);
 */
export function noteMoved(bytes: number): void {
    moved += bytes < FRAME_COST ? FRAME_COST : bytes;
}

/**
 * Bytes read within one long frame after which a GC frees the pipe's chunks
 * (already copied into the frame's buffer): 8 MiB, so that receiving a
 * frame of N bytes peaks near N for the frame, not N + {@link GC_BYTES}.
 */
export const FRAME_GC_BYTES = Math.min(GC_BYTES, 4 * 1024 * 1024);

/**
 * Finishes a GC when enough has moved since the last one; call at a controlled point only.
 * @param threshold - bytes moved that make a GC due; default {@link GC_BYTES}.
 * @example
 * collectIfDue(); // at the end of a dispatch, never inside user code
 */
export function collectIfDue(threshold = GC_BYTES): void {
    if (moved >= threshold) {
        moved = 0;
        system.gc();
    }
}
