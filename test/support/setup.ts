// Bundled in front of every spec file by test/runner/run.mjs: after every
// spec, kaa must hold no live GLib source, timer or deferred call (DESIGN.md
// §8: a leak fails the spec). Layers that own processes or workers add their
// own counts to `main.statistics().live` (`addStatisticsHook`).
import { isClockInjected, setClock } from '../../src/notifier/clock.js';
import { main } from '../../src/notifier/loop.js';

afterEach(() => {
    const stats = main.statistics();
    const leaks: string[] = [];
    for (const [kind, n] of Object.entries(stats.sources))
        leaks.push(`${n} ${kind} source(s)`);
    if (stats.timers)
        leaks.push(`${stats.timers} timer(s)`);
    if (stats.deferred)
        leaks.push(`${stats.deferred} deferred call(s)`);
    for (const [kind, n] of Object.entries(stats.live)) {
        if (n)
            leaks.push(`${n} live ${kind}`);
    }
    if (stats.depth)
        leaks.push(`a kaa loop still running (depth ${stats.depth})`);
    if (isClockInjected()) {
        leaks.push('a fake clock still installed');
        setClock(null);
    }
    if (leaks.length)
        fail(`kaa left alive after the spec: ${leaks.join(', ')}`);
});
