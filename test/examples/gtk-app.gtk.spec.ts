// examples/gtk-app under the runner's Xvfb: the app clicks its own buttons
// (KAA_DEMO_AUTOCLICK=1), prints what its widgets show, saves a PNG of its
// window rendered by GTK (test/artifacts/gtk-app.png), and quits with 0.
import Gdk from 'gi://Gdk?version=4.0';
import GLib from 'gi://GLib';
import { ROOT, runExample } from './example-child.js';

const SHOT = `${ROOT}/test/artifacts/gtk-app.png`;

describe('examples/gtk-app', () => {
    it('streams a command into its text view, fills the progress bar from a job, and saves a screenshot', async () => {
        GLib.unlink(SHOT);
        const r = await runExample(['gjs', '-m', 'examples/gtk-app/main.js'], {
            env: { KAA_DEMO_AUTOCLICK: '1', KAA_DEMO_SCREENSHOT: SHOT, GTK_A11Y: 'none' },
        });
        expect(r.status).withContext(r.stderr).toBe(0);
        expect(r.stdout).toContain('features: process=yes workers=yes\n');
        const output = /^output: (.*)$/m.exec(r.stdout);
        expect(output).withContext(r.stdout).not.toBeNull();
        const text = JSON.parse(output?.[1] ?? '""') as string;
        expect(text).toBe('line 1 from Linux\nline 2 from Linux\nline 3 from Linux\nline 4 from Linux\nline 5 from Linux\n[exit 0]\n');
        expect(r.stdout).toMatch(/^progress: 1\.00 "done: [0-9a-f]{12}…"$/m);
        expect(r.stdout).toContain('job ran in: a worker process\n');
        expect(r.stdout).toMatch(/^clock: \d\d:\d\d:\d\d$/m);
        expect(r.stdout).toContain(`screenshot: ${SHOT}`);
        const texture = Gdk.Texture.new_from_filename(SHOT);
        expect(texture.get_width()).toBeGreaterThanOrEqual(400);
        expect(texture.get_height()).toBeGreaterThanOrEqual(300);
    }, 60000);
});
