/**
 * The IO layer: IOMonitor, IOChannel, Socket (TLS through Gio). It builds on
 * the notifier (fd watches through sources.ts, re-armed after GJS drops
 * them) and the async layer (InProgress).
 * @module
 */
export { IOMonitor, WeakIOMonitor, IO_READ, IO_WRITE, type FileDescriptorLike } from './monitor.js';
export {
    IOChannel, type IOChannelOptions, type IOChannelSignalMap, type CloseOptions, type WriteData,
} from './channel.js';
export type { ChannelSource } from './source.js';
export type { Delimiter } from './read-queue.js';
export { Socket, type SocketOptions, type ListenOptions, type SocketSignalMap } from './socket.js';
export type { Address, SocketAddressInfo } from './address.js';
export type { TlsOptions, TlsClientOptions, TlsServerOptions } from './tls.js';
