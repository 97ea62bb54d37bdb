/**
 * `ThreadPool`: worker processes that take queued calls, highest priority
 * first (stable among equals). The registry of named pools is registry.ts.
 *
 * Workers are spawned lazily, up to `size`, when a call finds no idle one;
 * an idle worker exits after `timeout` seconds (one scheduler entry per
 * pool, aimed at the oldest idle worker); a worker that dies is replaced by
 * the next call that needs one. Every pool with workers is stopped by the
 * notifier's shutdown sequence (in-flight calls fail with `WorkerError`,
 * except `{wait: true}` calls, which may finish first).
 * @module
 */
import { MAX_SECONDS, checkOptionsObject, checkRange } from '../notifier/check.js';
import { preciseNow } from '../notifier/clock.js';
import { WorkerError, describeValue } from '../notifier/errors.js';
import { addShutdownHook } from '../notifier/loop.js';
import { scheduler, type ScheduledEntry } from '../notifier/scheduler.js';
import { InProgress } from '../async/inprogress.js';
import { timerEntry } from '../async/support.js';
import { JobQueue } from './queue.js';
import { Worker, type Job, type WorkerOwner } from './worker.js';

/** Options of {@link ThreadPool}. */
export interface ThreadPoolOptions {
    /** The most worker processes it runs at once, from 1 to 1024. @default 1 */
    size?: number;
    /** Seconds an idle worker lives before it exits (`Infinity`: never). @default 30 */
    timeout?: number;
}

/** What {@link ThreadPool.statistics} reports. */
export interface ThreadPoolStatistics {
    /** The registered name, or null. */
    name: string | null;
    size: number;
    timeout: number;
    /** Worker processes alive (running or stopping). */
    workers: number;
    /** Workers running a call now. */
    busy: number;
    /** Calls waiting for a worker. */
    queued: number;
    /** Calls finished (successfully or not) since the pool was made. */
    completed: number;
    /** Worker processes started since the pool was made. */
    spawned: number;
    /** Workers that died with calls in flight (crashes, kills by `abort()`). */
    lost: number;
}

/** How the GObject worker configures its pool. @internal */
export interface PoolConfig {
    /** Extra arguments of the worker host. */
    hostArgs: string[];
    /** Any number of calls in flight per worker (the GObject worker's loop interleaves them). */
    concurrent: boolean;
    /** Called when a worker says HELLO. */
    ready?(error: string | null): void;
    /** Called when a worker is gone. */
    exited?(): void;
}

const INTERNAL = Symbol('kaa.ThreadPool internal');
/** Pools with workers or queued calls: what the shutdown sequence stops. */
const active = new Set<ThreadPool>();

const now = preciseNow;

/** The most workers one pool may run. */
const MAX_POOL_SIZE = 1024;

function checkSize(size: unknown): number {
    if (!Number.isInteger(size) || (size as number) < 1)
        throw new TypeError(`ThreadPool: \`size\` must be an integer >= 1 (got ${describeValue(size)})`);
    checkRange('ThreadPool', 'size', size as number, 1, MAX_POOL_SIZE);
    return size as number;
}

function checkTimeout(timeout: unknown): number {
    if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0)
        throw new TypeError(`ThreadPool: \`timeout\` must be a number of seconds >= 0 or Infinity (got ${describeValue(timeout)})`);
    if (timeout !== Infinity)
        checkRange('ThreadPool', 'timeout', timeout, 0, MAX_SECONDS, ' seconds, or Infinity');
    return timeout;
}

/**
 * A pool of worker processes for `threaded()` calls.
 * @example
 * const pool = kaa.registerThreadPool('app::hash', new kaa.ThreadPool({ size: 2 }));
 * const digest = await kaa.threaded(pool)((path: string) => hashFile(path))('/etc/hosts');
 */
export class ThreadPool {
    #size: number;
    #timeout: number;
    #name: string | null = null;
    readonly #config: PoolConfig;
    readonly #queue = new JobQueue();
    readonly #workers = new Set<Worker>();
    readonly #idle: Worker[] = [];
    #idleEntry: ScheduledEntry | null = null;
    /** Pending `stop()` calls, each waiting for the workers there were then. */
    readonly #stopping: { workers: Set<Worker>; done: InProgress<void> }[] = [];
    readonly #owner: WorkerOwner;
    #completed = 0;
    #spawned = 0;
    #lost = 0;

    /**
     * @param options - `{size = 1, timeout = 30}`.
     * @throws TypeError when an option is invalid or unknown; RangeError for
     *   a `size` above 1024 or a finite `timeout` above 2**32 - 1 s.
     */
    constructor(options: ThreadPoolOptions = {}, ...internal: unknown[]) {
        checkOptionsObject('ThreadPool', options, ['size', 'timeout']);
        this.#size = checkSize(options.size ?? 1);
        this.#timeout = checkTimeout(options.timeout ?? 30);
        this.#config = internal[0] === INTERNAL ? internal[1] as PoolConfig : { hostArgs: [], concurrent: false };
        this.#owner = {
            done: (worker, job) => this.#done(worker, job),
            exited: worker => this.#exited(worker),
            ready: (_worker, error) => this.#config.ready?.(error),
            shutdown: () => this.stop(),
        };
    }

    /** The name it was registered under, or null. */
    get name(): string | null {
        return this.#name;
    }

    /** The most worker processes it runs at once; setting it grows the pool or stops the surplus. */
    get size(): number {
        return this.#size;
    }

    set size(size: number) {
        this.#size = checkSize(size);
        this.#trim();
        this.#dispatch();
    }

    /** Seconds an idle worker lives (`Infinity`: never); setting it re-checks idle workers. */
    get timeout(): number {
        return this.#timeout;
    }

    set timeout(timeout: number) {
        this.#timeout = checkTimeout(timeout);
        this.#clearIdleTimer();
        this.#armIdle();
    }

    /**
     * Stops every worker: queued calls and calls in flight fail with a
     * `WorkerError` (calls made with `{wait: true}` may finish within 25 s
     * first). The pool stays usable: the next call starts a new worker.
     * @returns an InProgress that finishes when the workers it had are reaped.
     * @example
     * await pool.stop();
     */
    stop(): InProgress<void> {
        const reason = () => new WorkerError(`the thread pool ${this.#name ?? '(unnamed)'} was stopped`);
        for (const job of this.#queue.drain()) {
            job.state = 'done';
            if (!job.ip.finished)
                job.ip.throw(reason());
        }
        this.#idle.length = 0;
        for (const worker of this.#workers) {
            if (worker.load === 0)
                worker.stop();
            else if (worker.jobs.some(j => j.wait))
                worker.stop(25);
            else
                worker.kill(reason());
        }
        this.#clearIdleTimer();
        const done = new InProgress<void>({ name: 'ThreadPool.stop()' });
        if (this.#workers.size === 0)
            return done.finish(undefined);
        this.#stopping.push({ workers: new Set(this.#workers), done });
        return done;
    }

    /**
     * The pool's counters.
     * @returns workers, busy workers, queued and completed calls, spawns, losses.
     * @example
     * print(JSON.stringify(kaa.getThreadPool('kaa::default')?.statistics()));
     */
    statistics(): ThreadPoolStatistics {
        let busy = 0;
        for (const w of this.#workers)
            busy += w.load > 0 ? 1 : 0;
        return {
            name: this.#name, size: this.#size, timeout: this.#timeout, workers: this.#workers.size, busy,
            queued: this.#queue.size, completed: this.#completed, spawned: this.#spawned, lost: this.#lost,
        };
    }

    /** Queues a call (or hands it to an idle worker at once when none waits). @internal */
    submit(job: Job): void {
        active.add(this);
        if (this.#queue.size === 0) {
            const worker = this.#readyWorker();
            if (worker) {
                worker.run(job);
                this.#armIdle();
                return;
            }
        }
        this.#queue.push(job);
        this.#dispatch();
    }

    /** Takes back an aborted call: dequeued, or its worker stopped (a concurrent worker only forgets it). @internal */
    cancel(job: Job): void {
        if (job.state === 'queued') {
            this.#queue.remove(job);
        } else if (job.state === 'running' && job.worker) {
            job.worker.forget(job);
            if (!this.#config.concurrent)
                job.worker.kill();
        }
        job.state = 'done';
    }

    /** Starts a worker now if there is none (the GObject worker starts eagerly). @internal */
    warmUp(): void {
        active.add(this);
        if (this.#workers.size === 0)
            this.#spawn();
    }

    #dispatch(): void {
        while (this.#queue.size) {
            const worker = this.#takeWorker();
            if (!worker)
                break;
            const job = this.#queue.pop() as Job;
            worker.run(job);
        }
        this.#armIdle();
    }

    #takeWorker(): Worker | null {
        const ready = this.#readyWorker();
        if (ready)
            return ready;
        let running = 0;
        for (const w of this.#workers)
            running += w.running ? 1 : 0;
        return running < this.#size ? this.#spawn() : null;
    }

    /** A worker that can take a call now without a spawn, or null. */
    #readyWorker(): Worker | null {
        if (this.#config.concurrent) {
            for (const w of this.#workers) {
                if (w.running)
                    return w;
            }
        }
        while (this.#idle.length) {
            const w = this.#idle.pop() as Worker;
            if (w.running && w.load === 0)
                return w;
        }
        return null;
    }

    #spawn(): Worker | null {
        let worker: Worker;
        try {
            worker = new Worker(this.#owner, this.#config.hostArgs);
        } catch (e) {
            for (const job of this.#queue.drain()) {
                job.state = 'done';
                job.ip.throw(e);
            }
            return null;
        }
        this.#workers.add(worker);
        this.#spawned++;
        return worker;
    }

    #done(worker: Worker, _job: Job): void {
        this.#completed++;
        if (this.#config.concurrent || !worker.running)
            return;
        if (this.#queue.size) {
            worker.run(this.#queue.pop() as Job);
            return;
        }
        this.#idle.push(worker);
        if (this.#workers.size > this.#size)
            this.#trim(); // `size` was lowered while it ran
        this.#armIdle();
    }

    #exited(worker: Worker): void {
        this.#workers.delete(worker);
        this.#config.exited?.();
        const i = this.#idle.indexOf(worker);
        if (i >= 0)
            this.#idle.splice(i, 1);
        if (worker.lostCalls)
            this.#lost++;
        if (this.#workers.size === 0) {
            this.#clearIdleTimer();
            if (this.#queue.size === 0)
                active.delete(this);
        }
        for (const stop of [...this.#stopping]) {
            stop.workers.delete(worker);
            if (stop.workers.size === 0) {
                this.#stopping.splice(this.#stopping.indexOf(stop), 1);
                stop.done.finish(undefined);
            }
        }
        this.#dispatch();
    }

    /** Stops idle workers beyond `size`. */
    #trim(): void {
        let running = 0;
        for (const w of this.#workers)
            running += w.running ? 1 : 0;
        while (running > this.#size && this.#idle.length) {
            (this.#idle.shift() as Worker).stop();
            running--;
        }
    }

    #armIdle(): void {
        if (this.#idleEntry || !this.#idle.length || !Number.isFinite(this.#timeout))
            return;
        let oldest = Infinity;
        for (const w of this.#idle)
            oldest = Math.min(oldest, w.idleSince);
        this.#idleEntry = timerEntry(Math.max(0, oldest + this.#timeout - now()), () => {
            this.#idleEntry = null;
            this.#expire();
        });
        scheduler.add(this.#idleEntry);
    }

    #expire(): void {
        const t = now();
        for (const w of [...this.#idle]) {
            if (t - w.idleSince >= this.#timeout - 0.001) {
                this.#idle.splice(this.#idle.indexOf(w), 1);
                w.stop();
            }
        }
        this.#armIdle();
    }

    #clearIdleTimer(): void {
        if (this.#idleEntry) {
            scheduler.remove(this.#idleEntry);
            this.#idleEntry = null;
        }
    }

    /** Names the pool (registry use). @internal */
    static setName(pool: ThreadPool, name: string): void {
        pool.#name = name;
    }
}

/**
 * Makes a pool for internal users (the GObject worker). @internal
 * @param options - size and timeout.
 * @param config - host arguments, concurrency, ready callback.
 * @returns the pool.
 * @example
 * const pool = createPool({ size: 1, timeout: Infinity }, { hostArgs: ['--gobject'], concurrent: true });
 */
export function createPool(options: ThreadPoolOptions, config: PoolConfig): ThreadPool {
    return new ThreadPool(options, INTERNAL, config);
}

/**
 * The pools that have workers or queued calls. @internal
 * @returns them, in no particular order.
 * @example
 * for (const pool of activePools()) pool.stop();
 */
export function activePools(): ThreadPool[] {
    return [...active];
}

/**
 * Stops every pool that has workers or queued calls (the shutdown sequence
 * does; so do the specs after each case). @internal
 * @returns a Promise that resolves when every worker is reaped.
 * @example
 * afterEach(() => stopAllPools());
 */
export function stopAllPools(): Promise<unknown> {
    return Promise.all(activePools().map(p => new Promise<void>(resolve => {
        p.stop().connectBoth(() => resolve(), () => resolve());
    })));
}

function stopAll(): Promise<unknown> | void {
    if (activePools().length)
        return stopAllPools();
}

addShutdownHook('workers', stopAll);
