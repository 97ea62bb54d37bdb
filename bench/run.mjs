// The benchmark orchestrator (Node): runs each scenario's kaa and raw-GJS
// scripts under `gjs -m`, alternating them for R rounds, and prints one JSON
// line per scenario with the medians (see bench/README.md):
//   {"scenario", "unit", "kaa", "raw", "ratio", "rounds", ...extras}
// `ratio` is always raw time ÷ kaa time for the same work (above 1 = kaa
// faster); for idle-wakeups it is raw switches ÷ kaa switches.
//
//   node bench/run.mjs [options] [SCENARIO...]   (`npm run bench -- ...` builds first)
//     --rounds N          kaa/raw rounds per scenario (default 5)
//     --peers             also run the peers (raw GJS, Node, Twisted) from
//                         ../shared/bench/peers (or ../../shared from a worktree,
//                         or $KAA_BENCH_PEERS) and add their figures
//     --peer-rounds N     runs of each peer (default 3)
//     --idle-seconds S    idle-wakeups measuring window (default 10)
//     --spawns N          startup: spawns of each side per round (default 10)
//     --timeout S         per script run (default 120)
//     --list              list the scenarios and whether kaa has what they need
//
// A scenario whose kaa API is not in dist/kaa.js yet (probed by running
// bench/gjs/_probe.js) prints {"scenario", "skipped": "<why>"}. The lines
// also go to bench/results/latest.jsonl, after a first {"run": {...}} line
// describing the machine. Progress goes to stderr.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const gjsDir = join(root, 'bench', 'gjs');
// The peers live in $KAA_BENCH_PEERS, or ../shared beside a clone, or ../../shared beside a worktree in wt/NAME.
const peersDir = [process.env.KAA_BENCH_PEERS, resolve(root, '..', 'shared', 'bench', 'peers'), resolve(root, '..', '..', 'shared', 'bench', 'peers')]
    .find(dir => dir && existsSync(join(dir, 'benches.tsv'))) ?? resolve(root, '..', 'shared', 'bench', 'peers');
const resultsFile = join(root, 'bench', 'results', 'latest.jsonl');
const TIME = '/usr/bin/time';

const KAA_LOOP = ['main.run', 'main.stop', 'OneShotTimer'];

/**
 * The scenarios of DESIGN §7, in order. kind: 'script' (bench/gjs/<name>.js
 * kaa|raw prints one JSON line), 'startup', 'idle'; `todo` marks one whose
 * bench script is still to be written. `rate` units are ops/s computed from
 * the median time; `peers.value` turns a peer run's JSON into the figure in
 * `unit` when its `ops` count something else (pipe-throughput: chunks).
 */
const SCENARIOS = [
    {
        name: 'timer-chain', kind: 'script', needs: KAA_LOOP, unit: 'timers/s', rate: true,
        extras: ['us_per_op', 'cpu_s'],
        peers: { scenario: 'timer-dispatch', lines: [['gjs', 'timeout_add0'], ['node', 'setImmediate'], ['twisted', 'callLater0']] },
    },
    {
        name: 'many-timers', kind: 'script', needs: KAA_LOOP, unit: 's', rate: false,
        extras: ['max_lateness_ms', 'p99_lateness_ms', 'max_lateness_after_arm_ms', 'arm_s', 'cpu_s', 'max_rss_mib'],
        peers: { scenario: 'many-timers', lines: [['gjs', 'timeout_add'], ['node', 'setTimeout'], ['twisted', 'callLater']],
            extras: ['max_lateness_ms', 'arm_s'] },
    },
    {
        name: 'signal-emit', kind: 'script', needs: ['Signal'], unit: 'emits/s', rate: true,
        extras: ['ns_per_op'],
        peers: { scenario: 'signal-emit', lines: [['gjs', 'gobject-signal'], ['node', 'EventEmitter']] },
    },
    {
        name: 'pipe-throughput', kind: 'script', needs: ['IOChannel', 'main.run'], unit: 'MiB/s', rate: true,
        extras: ['max_rss_mib', 'cpu_s', 'avg_chunk'],
        peers: { scenario: 'pipe-throughput', lines: [['gjs', 'readbytes-64k'], ['gjs', 'fdwatch-64k'], ['node', 'spawn-stream']],
            value: r => r.mib_per_s, extras: ['max_rss_mib'] },
    },
    {
        name: 'tcp-echo', kind: 'script', needs: ['Socket', 'IOChannel', 'main.run'], unit: 'MiB/s', rate: true,
        extras: ['max_rss_mib', 'cpu_s'],
    },
    {
        name: 'spawn', kind: 'script', needs: ['Process', ...KAA_LOOP], unit: 'spawns/s', rate: true,
        extras: ['ms_per_op', 'cpu_s'],
        peers: { scenario: 'spawn-rate', lines: [['gjs', 'subprocess-wait'], ['gjs', 'subprocess-pipe'], ['node', 'spawn-inherit'], ['node', 'spawn-pipe']] },
    },
    {
        name: 'worker-roundtrip', kind: 'script', needs: ['threaded', 'ThreadPool'], unit: 'calls/s', rate: true,
        extras: ['us_per_call', 'cpu_s'],
        peers: { scenario: 'rpc-roundtrip', value: r => 1e6 / r.us_per_call, extras: ['us_per_call'],
            lines: [['gjs', 'pipe-framed-gc'], ['gjs', 'dbus-p2p'], ['node', 'fork-advanced'], ['node', 'fork-json']],
            local: [['gjs', 'floor', 'floor']] },
    },
    {
        name: 'worker-1mib', kind: 'script', needs: ['threaded', 'ThreadPool'], unit: 'calls/s', rate: true,
        extras: ['mb_per_s', 'mb_per_s_both_ways', 'ms_per_call', 'cpu_s', 'max_rss_mib'],
        peers: { scenario: 'rpc-roundtrip', value: r => r.payload_calls / r.payload_seconds, extras: ['payload_mib_per_s'],
            lines: [['gjs', 'pipe-framed-gc'], ['gjs', 'dbus-p2p'], ['node', 'fork-advanced'], ['node', 'fork-json']] },
    },
    {
        // The peers' `payload` calls carry 1 MiB one way (the answer is its length), as this one does;
        // worker-1mib carries it both ways.
        name: 'worker-1mib-in', kind: 'script', needs: ['threaded', 'ThreadPool'], unit: 'calls/s', rate: true,
        extras: ['mb_per_s', 'ms_per_call', 'cpu_s', 'max_rss_mib'],
        peers: { scenario: 'rpc-roundtrip', value: r => r.payload_calls / r.payload_seconds, extras: ['payload_mib_per_s'],
            lines: [['gjs', 'pipe-framed-gc'], ['gjs', 'dbus-p2p'], ['node', 'fork-advanced'], ['node', 'fork-json']] },
    },
    {
        // 'raw' is kaa with one worker here: ratio = time on 1 worker ÷ time on 2 (DESIGN §7).
        name: 'pool-scaling', kind: 'script', needs: ['threaded', 'ThreadPool'], unit: 's', rate: false,
        extras: ['workers', 'calls', 'cpu_s'],
    },
    {
        name: 'idle-wakeups', kind: 'idle', needs: KAA_LOOP, unit: 'switches',
        kaa: ['gjs', '-m', join(gjsDir, 'idle-kaa.js')], raw: ['gjs', '-m', join(gjsDir, 'idle-raw.js')],
        peers: [['gjs timeout_add-1h', 'gjs -m gjs/idle.js'], ['node setInterval-1h', 'node node/idle.mjs'],
            ['twisted callLater-1h', '$PY python-twisted/idle.py']],
    },
    {
        name: 'startup', kind: 'startup', needs: KAA_LOOP, unit: 'ms',
        kaa: ['gjs', '-m', join(gjsDir, 'startup-kaa.js')], raw: ['gjs', '-m', join(gjsDir, 'startup-raw.js')],
        peers: [['gjs mainloop', 'gjs -m gjs/startup.js'], ['node setImmediate', 'node node/startup.mjs'],
            ['twisted reactor', '$PY python-twisted/startup.py']],
    },
];

function parseArgs(argv) {
    const opts = { rounds: 5, peers: false, peerRounds: 3, idleSeconds: 10, spawns: 10, timeout: 120, list: false, names: [] };
    const number = name => {
        const v = Number(argv.shift());
        if (!Number.isFinite(v) || v <= 0)
            throw new Error(`${name} needs a positive number`);
        return v;
    };
    while (argv.length) {
        const a = argv.shift();
        switch (a) {
        case '--rounds': opts.rounds = Math.round(number(a)); break;
        case '--peers': opts.peers = true; break;
        case '--peer-rounds': opts.peerRounds = Math.round(number(a)); break;
        case '--idle-seconds': opts.idleSeconds = number(a); break;
        case '--spawns': opts.spawns = Math.round(number(a)); break;
        case '--timeout': opts.timeout = number(a); break;
        case '--list': opts.list = true; break;
        case '-h': case '--help':
            process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\nimport ')[0]
                .split('\n').map(l => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
            process.exit(0);
            break;
        default:
            if (a.startsWith('-'))
                throw new Error(`unknown option ${a}`);
            opts.names.push(a);
        }
    }
    const known = new Set(SCENARIOS.map(s => s.name));
    const unknown = opts.names.filter(n => !known.has(n));
    if (unknown.length)
        throw new Error(`unknown scenario ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
    return opts;
}

const note = msg => process.stderr.write(`${msg}\n`);

function median(values) {
    const v = values.filter(x => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
    if (!v.length)
        return null;
    const mid = v.length >> 1;
    return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Rounds for printing: 4 significant digits, integers above 1000 kept whole. */
function tidy(x) {
    if (typeof x !== 'number' || !Number.isFinite(x))
        return x ?? null;
    if (Math.abs(x) >= 1000)
        return Math.round(x);
    return Number(x.toPrecision(4));
}

/** Runs argv (or a bash command line) to its end; resolves {code, signal, stdout, stderr, timedOut, ms}. */
function run(argv, { cwd = root, env = process.env, timeout = 120, onSpawn = null } = {}) {
    return new Promise(done => {
        const t0 = process.hrtime.bigint();
        const child = spawn(argv[0], argv.slice(1), { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        let timedOut = false;
        onSpawn?.(child);
        child.stdout.on('data', d => (stdout += d));
        child.stderr.on('data', d => (stderr += d));
        const timer = setTimeout(() => {
            timedOut = true;
            killGroup(child.pid);
        }, timeout * 1000);
        child.on('error', error => {
            clearTimeout(timer);
            done({ code: null, signal: null, stdout, stderr: String(error), timedOut, ms: 0 });
        });
        child.on('close', (code, signal) => {
            clearTimeout(timer);
            killGroup(child.pid); // anything the script left behind
            done({ code, signal, stdout, stderr, timedOut, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
        });
    });
}

function killGroup(pid) {
    try {
        process.kill(-pid, 'SIGKILL');
    } catch {
        // already gone
    }
}

/** The last JSON object line of a script's output, or an Error saying what went wrong. */
function resultOf(r, what) {
    const lines = r.stdout.trim().split('\n').filter(l => l.startsWith('{'));
    let json = null;
    try {
        json = lines.length ? JSON.parse(lines[lines.length - 1]) : null;
    } catch {
        json = null;
    }
    if (json?.error)
        return new Error(`${what}: ${json.error.split('\n')[0]}`);
    if (r.timedOut)
        return new Error(`${what}: timed out`);
    if (r.code !== 0 || !json) {
        const tail = r.stderr.trim().split('\n').filter(l => l.trim()).slice(-3).join(' | ');
        return new Error(`${what}: exit ${r.code ?? r.signal}${json ? '' : ', no JSON line'}${tail ? `: ${tail}` : ''}`);
    }
    return json;
}

// ---------------------------------------------------------------- probing

function probeKaa() {
    const r = spawnSync('gjs', ['-m', join(gjsDir, '_probe.js')], { cwd: root, encoding: 'utf8', timeout: 30000 });
    const line = (r.stdout ?? '').trim().split('\n').pop();
    try {
        const probe = JSON.parse(line);
        if (probe.exports)
            return probe;
    } catch {
        // fall through
    }
    const why = `${r.error ?? ''}${(r.stderr ?? '').trim().split('\n').filter(Boolean).slice(-2).join(' | ')}`;
    return { error: `dist/kaa.js does not import under gjs (${why || `exit ${r.status}`}); run npm run build` };
}

/** Why kaa cannot run the scenario yet, or null if it can. */
function missing(probe, needs) {
    if (probe.error)
        return probe.error;
    const absent = needs.filter(need => {
        const [top, member] = need.split('.');
        if (!probe.exports.includes(top))
            return true;
        return member !== undefined && !(probe.members[top] ?? []).includes(member);
    });
    return absent.length ? `${absent.map(n => `kaa.${n}`).join(', ')} not built yet` : null;
}

// ---------------------------------------------------------------- peers

function twistedPython() {
    const candidates = [process.env.PY, '/usr/bin/python3', 'python3'].filter(Boolean);
    for (const py of candidates) {
        const r = spawnSync(py, ['-c', 'import twisted'], { stdio: 'ignore' });
        if (r.status === 0)
            return py;
    }
    return null;
}

let peerEnv = null;
function peerSetup() {
    if (peerEnv)
        return peerEnv;
    if (!existsSync(join(peersDir, 'benches.tsv'))) {
        peerEnv = { error: `peers not found at ${peersDir}` };
        return peerEnv;
    }
    const py = twistedPython();
    const lines = readFileSync(join(peersDir, 'benches.tsv'), 'utf8').split('\n')
        .filter(l => l.trim() && !l.startsWith('#')).map(l => l.split('\t'))
        .map(([scenario, peer, variant, timeout, command]) => ({ scenario, peer, variant, timeout: Number(timeout), command }));
    peerEnv = { py, lines, env: { ...process.env, PY: py ?? 'python3' } };
    return peerEnv;
}

/** A note if this peer command cannot run here, else null. */
function peerUnavailable(command) {
    if (command.includes('$PY') && !peerSetup().py)
        return 'no python3 that imports twisted (apt-get install python3-twisted, or set PY)';
    return null;
}

/** Runs the peers of a 'script' scenario; returns {peers, peers_skipped}. */
async function runScriptPeers(sc, opts) {
    const setup = peerSetup();
    if (setup.error)
        return { peers_skipped: [setup.error] };
    const peers = {};
    const skipped = [];
    // The peers' scripts, then `local` ones: this scenario's own script run as another side (worker-roundtrip.js floor).
    const entries = [...sc.peers.lines.map(([peer, variant]) => ({ peer, variant, line: setup.lines.find(l =>
        l.scenario === sc.peers.scenario && l.peer === peer && l.variant === variant) })),
    ...(sc.peers.local ?? []).map(([peer, variant, side]) => ({ peer, variant, argv: ['gjs', '-m', join(gjsDir, `${sc.name}.js`), side] }))];
    for (const { peer, variant, line, argv } of entries) {
        const key = `${peer} ${variant}`;
        const why = argv ? null : line ? peerUnavailable(line.command) : 'not in benches.tsv';
        if (why) {
            skipped.push(`${key}: ${why}`);
            continue;
        }
        const runs = [];
        for (let i = 0; i < opts.peerRounds; i++) {
            const r = resultOf(await run(argv ?? ['bash', '-c', line.command],
                { cwd: argv ? root : peersDir, env: setup.env, timeout: line?.timeout || opts.timeout }), key);
            if (r instanceof Error) {
                note(`  peer ${r.message}`);
                continue;
            }
            note(`  peer ${key}: ${tidy(r.seconds)} s`);
            runs.push(r);
        }
        if (!runs.length) {
            skipped.push(`${key}: every run failed`);
            continue;
        }
        const seconds = median(runs.map(r => r.seconds));
        const ops = median(runs.map(r => r.ops));
        const value = sc.peers.value ? median(runs.map(sc.peers.value)) : sc.rate ? ops / seconds : seconds;
        const entry = { value: tidy(value) };
        for (const f of sc.peers.extras ?? [])
            entry[f] = tidy(median(runs.map(r => r[f])));
        peers[key] = entry;
    }
    return skipped.length ? { peers, peers_skipped: skipped } : { peers };
}

// ---------------------------------------------------------------- scenario kinds

async function runScript(sc, opts) {
    const script = join(gjsDir, `${sc.name}.js`);
    const runs = { kaa: [], raw: [] };
    const errors = [];
    for (let round = 1; round <= opts.rounds; round++) {
        // Alternate which side goes first, so neither always runs on a warmer machine.
        const order = round % 2 ? ['kaa', 'raw'] : ['raw', 'kaa'];
        const said = [];
        for (const side of order) {
            const r = resultOf(await run(['gjs', '-m', script, side], { timeout: opts.timeout }), side);
            if (r instanceof Error) {
                errors.push(r.message);
                said.push(r.message);
            } else {
                runs[side].push(r);
                said.push(`${side} ${tidy(r.seconds)} s`);
            }
        }
        note(`${sc.name}: round ${round}/${opts.rounds}: ${said.join(', ')}`);
    }
    if (!runs.kaa.length || !runs.raw.length)
        return { scenario: sc.name, error: [...new Set(errors)].join('; ') };
    const kaaS = median(runs.kaa.map(r => r.seconds));
    const rawS = median(runs.raw.map(r => r.seconds));
    const ops = median(runs.kaa.map(r => r.ops));
    const out = {
        scenario: sc.name, unit: sc.unit,
        kaa: tidy(sc.rate ? ops / kaaS : kaaS), raw: tidy(sc.rate ? ops / rawS : rawS),
        ratio: tidy(rawS / kaaS), rounds: Math.min(runs.kaa.length, runs.raw.length), ops,
        kaa_s: tidy(kaaS), raw_s: tidy(rawS),
    };
    for (const f of sc.extras) {
        out[`kaa_${f}`] = tidy(median(runs.kaa.map(r => r[f])));
        out[`raw_${f}`] = tidy(median(runs.raw.map(r => r[f])));
    }
    if (errors.length)
        out.failed_runs = errors;
    return out;
}

/** Voluntary + involuntary context switches per thread of a process: Map tid -> {n, name}. */
function switches(pid) {
    const counts = new Map();
    let tids = [];
    try {
        tids = readdirSync(`/proc/${pid}/task`);
    } catch {
        return null;
    }
    for (const tid of tids) {
        try {
            const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
            const field = name => Number(new RegExp(`^${name}:\\s+(\\S+)`, 'm').exec(status)?.[1] ?? 0);
            const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '?';
            counts.set(tid, { n: field('voluntary_ctxt_switches') + field('nonvoluntary_ctxt_switches'), name });
        } catch {
            // the thread ended meanwhile
        }
    }
    return counts;
}

/**
 * Starts each command, waits for its "ready" line (or 15 s), lets it settle
 * 1 s, then counts its context switches over `seconds` (threads started in
 * the window count from 0; threads ended in it are lost, noted by
 * threads_ended) and kills it. The commands run side by side. Besides the
 * total, `main_thread` counts the loop's own thread (tid = pid) alone: the
 * wakeups of the sources in the loop, without the runtime's helper threads.
 */
async function idleSwitches(commands, seconds, env = process.env, cwd = root) {
    const watched = commands.map(argv => {
        const child = spawn(argv[0], argv.slice(1), { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        const ready = new Promise(res => {
            child.stdout.on('data', d => {
                out += d;
                if (out.includes('ready'))
                    res(true);
            });
            child.on('close', () => res(false));
            setTimeout(() => res(out.includes('ready')), 15000);
        });
        child.stderr.on('data', d => (err += d));
        child.on('error', e => (err += String(e)));
        return { child, ready, stderr: () => err };
    });
    const ready = await Promise.all(watched.map(w => w.ready));
    await sleep(1000);
    const before = watched.map(w => switches(w.child.pid));
    await sleep(seconds * 1000);
    const after = watched.map(w => switches(w.child.pid));
    for (const w of watched)
        killGroup(w.child.pid);
    return watched.map((w, i) => {
        if (!ready[i] || !before[i] || !after[i])
            return new Error(`${commands[i].join(' ')}: not running idle (${w.stderr().trim().split('\n').pop() || 'no ready line'})`);
        let total = 0;
        let main = 0;
        const byThread = {};
        for (const [tid, { n, name }] of after[i]) {
            const d = n - (before[i].get(tid)?.n ?? 0);
            total += d;
            byThread[name] = (byThread[name] ?? 0) + d;
            if (tid === String(w.child.pid))
                main = d;
        }
        const ended = [...before[i].keys()].filter(tid => !after[i].has(tid)).length;
        return { switches: total, main_thread: main, threads: after[i].size, threads_ended: ended, by_thread: byThread };
    });
}

async function runIdle(sc, opts) {
    const got = { kaa: [], raw: [] };
    const errors = [];
    for (let round = 1; round <= opts.rounds; round++) {
        const [kaa, raw] = await idleSwitches([sc.kaa, sc.raw], opts.idleSeconds);
        for (const [side, r] of [['kaa', kaa], ['raw', raw]]) {
            if (r instanceof Error)
                errors.push(r.message);
            else
                got[side].push(r);
        }
        const said = r => (r instanceof Error ? r.message : `${r.switches} (main thread ${r.main_thread})`);
        note(`${sc.name}: round ${round}/${opts.rounds}: kaa ${said(kaa)}, raw ${said(raw)} switches in ${opts.idleSeconds} s`);
    }
    if (!got.kaa.length || !got.raw.length)
        return { scenario: sc.name, error: [...new Set(errors)].join('; ') };
    const kaa = median(got.kaa.map(r => r.switches));
    const raw = median(got.raw.map(r => r.switches));
    const out = {
        scenario: sc.name, unit: `switches/${opts.idleSeconds}s`, kaa: tidy(kaa), raw: tidy(raw),
        ratio: kaa > 0 ? tidy(raw / kaa) : null, rounds: Math.min(got.kaa.length, got.raw.length),
        kaa_switches_over_raw: raw > 0 ? tidy(kaa / raw) : null,
        kaa_main_thread: median(got.kaa.map(r => r.main_thread)), raw_main_thread: median(got.raw.map(r => r.main_thread)),
        kaa_threads: median(got.kaa.map(r => r.threads)), raw_threads: median(got.raw.map(r => r.threads)),
        kaa_by_thread: got.kaa[got.kaa.length - 1].by_thread, raw_by_thread: got.raw[got.raw.length - 1].by_thread,
    };
    if (kaa === 0)
        out.ratio_note = raw === 0 ? 'both 0 switches' : 'kaa had 0 switches (raw/kaa undefined)';
    if (errors.length)
        out.failed_runs = errors;
    if (opts.peers)
        Object.assign(out, await runSpawnPeers(sc, opts, async (argvs, env) => idleSwitches(argvs, opts.idleSeconds, env, peersDir),
            r => ({ value: r.switches, main_thread: r.main_thread })));
    return out;
}

/** Runs argv once: {r, ms, rss_mib}, the peak RSS from GNU time when installed, else VmHWM polled from /proc. */
async function timedSpawn(argv, opts, env = process.env, cwd = root) {
    if (existsSync(TIME)) {
        const file = join(tmpdir(), `kaa-bench-time-${process.pid}`);
        const r = await run([TIME, '-f', '%M', '-o', file, ...argv], { cwd, env, timeout: opts.timeout });
        let kib = null;
        try {
            kib = Number(readFileSync(file, 'utf8').trim().split('\n').pop());
            rmSync(file);
        } catch {
            kib = null;
        }
        return { r, ms: r.ms, rss_mib: kib ? kib / 1024 : null };
    }
    // No GNU time: poll VmHWM while the child lives (a lower bound; may miss its last ms).
    let hwm = null;
    let poll = null;
    const r = await run(argv, { cwd, env, timeout: opts.timeout, onSpawn: child => {
        poll = setInterval(() => {
            try {
                const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
                if (m)
                    hwm = Math.max(hwm ?? 0, Number(m[1]) / 1024);
            } catch {
                // exited
            }
        }, 1);
    } });
    clearInterval(poll);
    return { r, ms: r.ms, rss_mib: hwm };
}

/** Runs each argv `opts.spawns` times, interleaved, after one warm-up each; per-argv medians. */
async function startupRound(argvs, opts, env, cwd) {
    const samples = argvs.map(() => ({ ms: [], rss: [], errors: [] }));
    for (const argv of argvs)
        await timedSpawn(argv, opts, env, cwd); // warm-up (page cache), not counted
    for (let i = 0; i < opts.spawns; i++) {
        for (const [k, argv] of argvs.entries()) {
            const t = await timedSpawn(argv, opts, env, cwd);
            if (t.r.code !== 0 || t.r.timedOut) {
                const tail = t.r.stderr.trim().split('\n').pop() ?? '';
                samples[k].errors.push(`${argv.join(' ')}: ${t.r.timedOut ? 'timed out' : `exit ${t.r.code ?? t.r.signal}`} ${tail}`.trim());
                continue;
            }
            samples[k].ms.push(t.ms);
            samples[k].rss.push(t.rss_mib);
        }
    }
    return samples.map(s => (s.ms.length ? { ms: median(s.ms), rss_mib: median(s.rss) } : new Error(s.errors[0])));
}

async function runStartup(sc, opts) {
    const got = { kaa: [], raw: [] };
    const errors = [];
    for (let round = 1; round <= opts.rounds; round++) {
        const order = round % 2 ? ['kaa', 'raw'] : ['raw', 'kaa'];
        const results = await startupRound(order.map(side => sc[side]), opts, process.env, root);
        const said = [];
        for (const [k, side] of order.entries()) {
            const r = results[k];
            if (r instanceof Error) {
                errors.push(r.message);
                said.push(`${side} ${r.message}`);
            } else {
                got[side].push(r);
                said.push(`${side} ${tidy(r.ms)} ms ${tidy(r.rss_mib)} MiB`);
            }
        }
        note(`${sc.name}: round ${round}/${opts.rounds} (${opts.spawns} spawns each): ${said.join(', ')}`);
    }
    if (!got.kaa.length || !got.raw.length)
        return { scenario: sc.name, error: [...new Set(errors)].join('; ') };
    const kaa = median(got.kaa.map(r => r.ms));
    const raw = median(got.raw.map(r => r.ms));
    const kaaRss = median(got.kaa.map(r => r.rss_mib));
    const rawRss = median(got.raw.map(r => r.rss_mib));
    const out = {
        scenario: sc.name, unit: 'ms', kaa: tidy(kaa), raw: tidy(raw), ratio: tidy(raw / kaa),
        rounds: Math.min(got.kaa.length, got.raw.length), spawns: opts.spawns,
        delta_ms: tidy(kaa - raw),
        kaa_rss_mib: tidy(kaaRss), raw_rss_mib: tidy(rawRss),
        delta_rss_mib: kaaRss !== null && rawRss !== null ? tidy(kaaRss - rawRss) : null,
    };
    if (!existsSync(TIME))
        out.rss_note = `${TIME} not installed: no peak RSS (apt-get install time)`;
    if (errors.length)
        out.failed_runs = errors;
    if (opts.peers)
        Object.assign(out, await runSpawnPeers(sc, opts, (argvs, env) => startupRound(argvs, opts, env, peersDir),
            r => ({ value: tidy(r.ms), rss_mib: tidy(r.rss_mib) })));
    return out;
}

/** Peers of a spawned-process scenario: `measure(argvs, env)` per round, all peers side by side. */
async function runSpawnPeers(sc, opts, measure, figure) {
    const setup = peerSetup();
    if (setup.error)
        return { peers_skipped: [setup.error] };
    const skipped = [];
    const usable = sc.peers.filter(([key, command]) => {
        const why = peerUnavailable(command);
        if (why)
            skipped.push(`${key}: ${why}`);
        return !why;
    });
    const argvs = usable.map(([, command]) => ['bash', '-c', `exec ${command}`]);
    const got = usable.map(() => []);
    for (let i = 0; i < opts.peerRounds; i++) {
        const results = await measure(argvs, setup.env);
        results.forEach((r, k) => {
            if (r instanceof Error)
                note(`  peer ${usable[k][0]}: ${r.message}`);
            else
                got[k].push(figure(r));
        });
        note(`  peers round ${i + 1}/${opts.peerRounds}: ${results.map((r, k) => `${usable[k][0]} ${r instanceof Error ? 'failed' : figure(r).value}`).join(', ')}`);
    }
    const peers = {};
    usable.forEach(([key], k) => {
        if (!got[k].length) {
            skipped.push(`${key}: every run failed`);
            return;
        }
        const entry = {};
        for (const f of Object.keys(got[k][0]))
            entry[f] = tidy(median(got[k].map(g => g[f])));
        peers[key] = entry;
    });
    return skipped.length ? { peers, peers_skipped: skipped } : { peers };
}

// ---------------------------------------------------------------- main

function machine() {
    const gjs = spawnSync('gjs', ['--version'], { encoding: 'utf8' });
    const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
    return {
        date: new Date().toISOString(), nproc: availableParallelism(),
        gjs: (gjs.stdout ?? '').trim() || 'not found', node: process.version,
        commit: (git.stdout ?? '').trim() || null,
    };
}

async function main() {
    let opts;
    try {
        opts = parseArgs(process.argv.slice(2));
    } catch (e) {
        note(`bench/run.mjs: ${e.message}`);
        process.exit(2);
    }
    const probe = probeKaa();
    const chosen = opts.names.length ? SCENARIOS.filter(s => opts.names.includes(s.name)) : SCENARIOS;
    if (opts.list) {
        for (const sc of SCENARIOS) {
            const why = missing(probe, sc.needs);
            const state = why ?? (sc.todo ? 'bench script not written yet' : 'ready');
            process.stdout.write(`${sc.name.padEnd(18)} needs ${sc.needs.map(n => `kaa.${n}`).join(', ').padEnd(36)} ${state}\n`);
        }
        return;
    }
    const info = { ...machine(), rounds: opts.rounds, peers: opts.peers };
    note(`# kaa bench: ${info.date}, nproc ${info.nproc}, ${info.gjs}, node ${info.node}, commit ${info.commit}, ${opts.rounds} rounds`);
    if (opts.peers && peerSetup().error)
        note(`# --peers: ${peerSetup().error}; peers skipped`);
    const lines = [JSON.stringify({ run: info })];
    mkdirSync(dirname(resultsFile), { recursive: true });
    for (const sc of chosen) {
        const why = missing(probe, sc.needs);
        let out;
        if (why)
            out = { scenario: sc.name, skipped: why };
        else if (sc.todo)
            out = { scenario: sc.name, skipped: 'bench script not written yet (kaa has the API)' };
        else if (sc.kind === 'idle')
            out = await runIdle(sc, opts);
        else if (sc.kind === 'startup')
            out = await runStartup(sc, opts);
        else {
            out = await runScript(sc, opts);
            if (opts.peers && sc.peers && !out.error)
                Object.assign(out, await runScriptPeers(sc, opts));
        }
        const line = JSON.stringify(out);
        process.stdout.write(`${line}\n`);
        lines.push(line);
        writeFileSync(resultsFile, `${lines.join('\n')}\n`);
    }
}

await main();
