// The spec runner's orchestrator (Node): finds spec files, bundles each one
// with esbuild, runs each in its own `gjs -m test/runner/host.js` process
// (in parallel up to the core count; GTK specs under xvfb-run), watches them,
// and prints the results and a last line `jasmine: N passed, N failed`.
//
//   node test/runner/run.mjs [options] [files or directories...]
//     --filter REGEX   run only specs whose full name matches
//     --tap            TAP output on stdout instead of the default report
//     --junit FILE     also write a JUnit XML report (for meson)
//     --verbose        print every spec, not just failures
//     --jobs N         spec files run at once (default: cores)
//     --timeout S      per-spec timeout in seconds (default 20)
//     --watchdog S     per-file stall watchdog: no event (the host's loop sends a
//                      heartbeat every 10 s) for S seconds (default 60)
//
// A spec file fails when a spec fails, when it does not import, when it
// crashes or stalls (the watchdog kills it and fails the running spec), and
// when it leaves a process alive in its process group.
import { build } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gjsBundleOptions } from '../../scripts/build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, 'build', 'test');
/** The longest a spec file may go without a spec event while its loop still turns (above the longest spec timeout, 240 s). */
const HUNG_SECONDS = 300;

function parseArgs(argv) {
    const opts = { filter: null, tap: false, junit: null, verbose: false, jobs: cpus().length,
        timeout: 20, watchdog: 60, paths: [] };
    const value = name => {
        const v = argv.shift();
        if (v === undefined)
            throw new Error(`${name} needs a value`);
        return v;
    };
    while (argv.length) {
        const a = argv.shift();
        switch (a) {
        case '--filter': opts.filter = value(a); break;
        case '--tap': opts.tap = true; break;
        case '--junit': opts.junit = resolve(value(a)); break;
        case '--verbose': opts.verbose = true; break;
        case '--jobs': opts.jobs = Math.max(1, Number(value(a))); break;
        case '--timeout': opts.timeout = Number(value(a)); break;
        case '--watchdog': opts.watchdog = Number(value(a)); break;
        default:
            if (a.startsWith('--'))
                throw new Error(`unknown option ${a}`);
            opts.paths.push(resolve(a));
        }
    }
    if (!opts.paths.length)
        opts.paths.push(join(root, 'test'));
    return opts;
}

function findSpecs(paths) {
    const found = [];
    const walk = p => {
        const st = statSync(p);
        if (st.isDirectory()) {
            for (const name of readdirSync(p).sort()) {
                if (name === 'fixtures' || name === 'artifacts' || name === 'node_modules')
                    continue;
                walk(join(p, name));
            }
        } else if (/\.spec\.(ts|js)$/.test(p) || paths.includes(p)) {
            found.push(p);
        }
    };
    paths.forEach(walk);
    return [...new Set(found)];
}

const isGtkSpec = file => /\.gtk\.spec\.(ts|js)$/.test(file);

async function bundleSpec(file) {
    const rel = relative(root, file);
    const outfile = join(outDir, rel.replace(/\.(ts|js)$/, '.js'));
    const setup = join(root, 'test', 'support', 'setup.ts');
    await build({
        ...gjsBundleOptions,
        stdin: {
            contents: `import ${JSON.stringify(setup)};\nimport ${JSON.stringify(file)};\n`,
            resolveDir: root,
            sourcefile: `${rel}.entry.ts`,
            loader: 'ts',
        },
        outfile,
        sourcemap: 'inline',
    });
    return outfile;
}

function groupAlive(pgid) {
    try {
        process.kill(-pgid, 0);
        return true;
    } catch {
        return false;
    }
}

/** Resolves true if the process group still has members after a grace period. */
async function groupSurvives(pgid, graceMs = 2000) {
    for (let waited = 0; waited < graceMs; waited += 50) {
        if (!groupAlive(pgid))
            return false;
        await new Promise(r => setTimeout(r, 50));
    }
    return groupAlive(pgid);
}

function runFile(file, opts) {
    const rel = relative(root, file);
    const result = { file: rel, specs: [], errors: [], stderr: '', seconds: 0 };
    return bundleSpec(file).then(bundle => new Promise(done => {
        const hostArgs = ['-m', join(root, 'test/runner/host.js'), bundle,
            '--timeout', String(opts.timeout * 1000)];
        if (opts.filter)
            hostArgs.push('--filter', opts.filter);
        let cmd = 'gjs', cmdArgs = hostArgs;
        const env = { ...process.env, KAA_SPEC_FILE: rel, KAA_ROOT: root, KAA_RUNNER_EVENTS_FD: '4' };
        if (isGtkSpec(file)) {
            cmd = 'xvfb-run';
            cmdArgs = ['-a', 'dbus-run-session', '--', 'gjs', ...hostArgs];
            env.GTK_A11Y = 'none';
        }
        const started = Date.now();
        const child = spawn(cmd, cmdArgs, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'ignore', 'pipe'] });
        let running = null, sawDone = false, killedBy = null, buffer = '';
        // Two limits: no line at all (the loop does not turn: no heartbeat)
        // for `watchdog` s, or no spec event while only heartbeats come for
        // HUNG_SECONDS (a spec stuck in a turning loop that its own timeout
        // cannot unwind, such as a nested loop that never returns).
        let lastEvent = Date.now(), lastSpecEvent = Date.now();
        const hungSeconds = Math.max(opts.watchdog, HUNG_SECONDS);
        const watchdog = setInterval(() => {
            const t = Date.now();
            if (t - lastEvent > opts.watchdog * 1000)
                killedBy = `stalled: no progress for ${opts.watchdog} s`;
            else if (t - lastSpecEvent > hungSeconds * 1000)
                killedBy = `hung: no spec event for ${hungSeconds} s (the loop still turned)`;
            else
                return;
            try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
        }, 500);
        child.stdout.on('data', d => { result.stderr += d; });
        child.stderr.on('data', d => { result.stderr += d; });
        child.stdio[4].on('data', d => {
            buffer += d;
            let nl;
            while ((nl = buffer.indexOf('\n')) >= 0) {
                const line = buffer.slice(0, nl);
                buffer = buffer.slice(nl + 1);
                lastEvent = Date.now();
                let ev;
                try { ev = JSON.parse(line); } catch { continue; }
                if (ev.type !== 'heartbeat')
                    lastSpecEvent = lastEvent;
                if (ev.type === 'specStarted') {
                    running = ev.name;
                } else if (ev.type === 'specDone') {
                    running = null;
                    result.specs.push(ev);
                    if (opts.tap)
                        printTap(ev);
                } else if (ev.type === 'suiteError') {
                    result.errors.push(`${ev.name}: ${ev.failures.map(f => f.message).join('; ')}`);
                } else if (ev.type === 'done') {
                    sawDone = true;
                }
            }
        });
        child.on('close', async (code, signal) => {
            clearInterval(watchdog);
            result.seconds = (Date.now() - started) / 1000;
            const reason = killedBy ?? (signal ? `killed by ${signal}` : `exited with status ${code}`);
            if (running) {
                const ev = { name: running, status: 'failed', failures: [{ message: `spec did not finish: ${reason}`, stack: '' }] };
                result.specs.push(ev);
                if (opts.tap)
                    printTap(ev);
            } else if (!sawDone) {
                result.errors.push(`spec file did not complete: ${reason}`);
            } else if (code !== 0 && !result.specs.some(s => s.status === 'failed') && !result.errors.length) {
                result.errors.push(`spec file ${reason}`);
            }
            if (await groupSurvives(child.pid)) {
                result.errors.push('left processes alive in its process group (killed now)');
                try { process.kill(-child.pid, 'SIGKILL'); } catch { /* raced */ }
            }
            done(result);
        });
    }), error => {
        result.errors.push(`could not be bundled: ${error.message}`);
        return result;
    });
}

let tapCount = 0;
function printTap(ev) {
    tapCount++;
    const ok = ev.status !== 'failed';
    const skip = ev.status === 'pending' || ev.status === 'excluded' ? ` # SKIP ${ev.status}` : '';
    console.log(`${ok ? 'ok' : 'not ok'} ${tapCount} - ${ev.name}${skip}`);
    if (!ok) {
        for (const f of ev.failures)
            console.log(`# ${f.message.replace(/\n/g, '\n# ')}`);
    }
}

function xmlEscape(s) {
    return String(s).replace(/[<>&"]/g, c => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' }[c]))
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

function writeJunit(path, results) {
    const suites = results.map(r => {
        const cases = r.specs.map(s => {
            const body = s.status === 'failed'
                ? `<failure message="${xmlEscape(s.failures[0]?.message ?? 'failed')}">${xmlEscape(s.failures.map(f => `${f.message}\n${f.stack}`).join('\n'))}</failure>`
                : (s.status === 'passed' ? '' : '<skipped/>');
            return `    <testcase classname="${xmlEscape(r.file)}" name="${xmlEscape(s.name)}" time="${(s.ms ?? 0) / 1000}">${body}</testcase>`;
        });
        for (const e of r.errors)
            cases.push(`    <testcase classname="${xmlEscape(r.file)}" name="file"><failure message="${xmlEscape(e)}">${xmlEscape(r.stderr.slice(-4000))}</failure></testcase>`);
        const failures = r.specs.filter(s => s.status === 'failed').length + r.errors.length;
        return `  <testsuite name="${xmlEscape(r.file)}" tests="${cases.length}" failures="${failures}" time="${r.seconds}">\n${cases.join('\n')}\n  </testsuite>`;
    });
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`);
}

function report(r, opts) {
    const passed = r.specs.filter(s => s.status === 'passed').length;
    const failed = r.specs.filter(s => s.status === 'failed');
    const bad = failed.length || r.errors.length;
    if (!opts.tap) {
        console.log(`${bad ? 'FAIL' : 'ok  '} ${r.file}  (${passed} passed, ${failed.length} failed, ${r.seconds.toFixed(1)} s)`);
        if (opts.verbose) {
            for (const s of r.specs)
                console.log(`       ${s.status === 'passed' ? '✓' : s.status === 'failed' ? '✗' : '-'} ${s.name}`);
        }
        for (const s of failed) {
            console.log(`    ✗ ${s.name}`);
            for (const f of s.failures)
                console.log(`        ${f.message}\n${f.stack.split('\n').slice(0, 8).map(l => `          ${l}`).join('\n')}`);
        }
        for (const e of r.errors)
            console.log(`    ✗ ${e}`);
    } else {
        for (const e of r.errors)
            console.log(`not ok ${++tapCount} - ${r.file}: ${e}`);
    }
    if (bad && r.stderr.trim()) {
        const tail = r.stderr.trim().split('\n').slice(-25).join('\n');
        console.log(`${opts.tap ? '# ' : '    '}stderr (last lines):\n${tail.replace(/^/gm, opts.tap ? '# ' : '      ')}`);
    }
}

async function main() {
    const opts = parseArgs(process.argv.slice(2));
    const files = findSpecs(opts.paths);
    if (files.some(isGtkSpec) && spawnSync('which', ['xvfb-run']).status !== 0)
        throw new Error('GTK specs need xvfb-run: apt-get install xvfb');
    mkdirSync(outDir, { recursive: true });
    const results = [];
    const queue = files.slice();
    const worker = async () => {
        while (queue.length) {
            const r = await runFile(queue.shift(), opts);
            results.push(r);
            report(r, opts);
        }
    };
    await Promise.all(Array.from({ length: Math.min(opts.jobs, files.length) }, worker));
    results.sort((a, b) => a.file.localeCompare(b.file));
    if (opts.junit)
        writeJunit(opts.junit, results);
    const passed = results.reduce((n, r) => n + r.specs.filter(s => s.status === 'passed').length, 0);
    const failed = results.reduce((n, r) => n + r.specs.filter(s => s.status === 'failed').length + r.errors.length, 0);
    const skipped = results.reduce((n, r) => n + r.specs.filter(s => s.status === 'pending').length, 0);
    if (opts.tap)
        console.log(`1..${tapCount}`);
    console.log(`${files.length} spec files`);
    console.log(`jasmine: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
    process.exitCode = failed || !existsSync(root) ? 1 : 0;
}

main().catch(error => {
    console.error(error);
    console.log('jasmine: 0 passed, 1 failed');
    process.exitCode = 1;
});
