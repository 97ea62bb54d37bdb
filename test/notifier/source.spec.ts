// The one source lifecycle: Source (a GLib source kaa keeps armed) and Probe
// (a check of a GIO callback GJS may refuse), and the re-arm phase.
import GLib from 'gi://GLib';
import { main } from '../../src/notifier/loop.js';
import { defer } from '../../src/notifier/scheduler.js';
import { Probe, Source } from '../../src/notifier/source.js';
import { addIdle, addTimeout } from '../../src/notifier/sources.js';

/** A repeating 5 ms timeout as a Source; counts its callbacks. */
function ticker(kind: string, extra: { lost?: () => void } = {}): { source: Source; ticks: () => number } {
    let ticks = 0;
    const source = new Source({
        kind,
        attach: (dispatch, k) => addTimeout(5, dispatch, GLib.PRIORITY_DEFAULT, k),
        callback: () => {
            ticks++;
            return true;
        },
        ...extra,
    });
    return { source, ticks: () => ticks };
}

describe('Source', () => {
    it('starts, stops, and is harmless to start or stop twice', () => {
        const { source } = ticker('spec-ticker');
        expect(source.active).toBeFalse();
        source.start();
        const id = source.id;
        source.start();
        expect(source.id).toBe(id);
        expect(main.statistics().sources['spec-ticker']).toBe(1);
        source.stop();
        source.stop();
        expect(source.active).toBeFalse();
        expect(main.statistics().sources['spec-ticker']).toBeUndefined();
    });

    it('ends when its callback returns false', () => {
        let calls = 0;
        const source = new Source({
            kind: 'spec-once',
            attach: (dispatch, k) => addIdle(dispatch, GLib.PRIORITY_DEFAULT, k),
            callback: () => {
                calls++;
                return false;
            },
        });
        source.start();
        main.loop(() => calls === 0, 2);
        expect(source.active).toBeFalse();
        expect(main.statistics().sources['spec-once']).toBeUndefined();
    });

    it('is re-armed by the re-arm phase after GLib removed it behind kaa (a GJS GC drop), counting a drop', () => {
        const { source, ticks } = ticker('spec-dropped');
        source.start();
        try {
            const id = source.id;
            const drops = main.statistics().drops;
            // A plain GLib idle removes it in the next dispatch, as GLib does when GJS refuses a callback.
            GLib.idle_add(GLib.PRIORITY_HIGH, () => {
                GLib.source_remove(id);
                return GLib.SOURCE_REMOVE;
            });
            main.loop(() => ticks() < 2, 2);
            expect(ticks()).toBe(2);
            expect(source.active).toBeTrue();
            expect(source.id).not.toBe(id);
            expect(main.statistics().drops).toBe(drops + 1);
        } finally {
            source.stop();
        }
    });

    it('calls `lost` instead of re-arming a source that cannot come back', () => {
        let lost = 0;
        const { source, ticks } = ticker('spec-lost', { lost: () => lost++ });
        source.start();
        GLib.idle_add(GLib.PRIORITY_HIGH, () => {
            GLib.source_remove(source.id);
            return GLib.SOURCE_REMOVE;
        });
        main.loop(() => lost === 0, 2);
        expect(lost).toBe(1);
        expect(ticks()).toBe(0);
        expect(source.active).toBeFalse();
    });
});

describe('Probe', () => {
    it('checks once per iteration while started, and not after stop()', () => {
        let checks = 0;
        const step = () => {
            defer(() => undefined); // something to dispatch: step() blocks until then
            main.step();
        };
        const probe = new Probe('spec-probe', () => checks++);
        probe.start();
        probe.start();
        expect(probe.active).toBeTrue();
        step();
        step();
        expect(checks).toBe(2);
        probe.stop();
        probe.stop();
        step();
        expect(checks).toBe(2);
        expect(probe.active).toBeFalse();
    });
});
