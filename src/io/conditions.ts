/**
 * The IO conditions of `IOMonitor` and `IOChannel`. They live apart from
 * monitor.ts so that dist/kaa.js can export them at start-up, before it
 * loads the IO layer (src/lazy/).
 * @module
 */

/**
 * Watch for readability: data, end of file or an error (`IOMonitor`), or
 * open a channel for reading (`IOChannel` `mode`).
 * @example
 * monitor.register(fd, kaa.IO_READ);
 */
export const IO_READ = 1;
/**
 * Watch for writability (`IOMonitor`), or open a channel for writing (`IOChannel` `mode`).
 * @example
 * new kaa.IOChannel(fd, { mode: kaa.IO_READ | kaa.IO_WRITE });
 */
export const IO_WRITE = 2;
