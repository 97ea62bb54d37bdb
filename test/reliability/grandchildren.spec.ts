// Grandchildren: 50 children that each started a grandchild of their own,
// and SIGTERM to the kaa process. kaa's shutdown stops every child through
// its process group, so no descendant survives (issue 13: before, all 50
// grandchildren were left as orphans). Orphans are found by a marker in
// their environment and killed at the end whatever happened.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { spawnGjs } from '../support/child.js';
import { report } from './helpers.js';

/** Pids of live (not zombie) processes whose environment holds `marker`. */
function marked(marker: string): number[] {
    const found: number[] = [];
    const dir = Gio.File.new_for_path('/proc').enumerate_children('standard::name', Gio.FileQueryInfoFlags.NONE, null);
    for (let info = dir.next_file(null); info !== null; info = dir.next_file(null)) {
        const name = info.get_name();
        if (!/^\d+$/.test(name))
            continue;
        try {
            const [, env] = GLib.file_get_contents(`/proc/${name}/environ`);
            if (!new TextDecoder().decode(env).includes(marker))
                continue;
            const [, stat] = GLib.file_get_contents(`/proc/${name}/stat`);
            if (!new TextDecoder().decode(stat).split(') ')[1].startsWith('Z'))
                found.push(Number(name));
        } catch {
            // gone meanwhile, or not ours
        }
    }
    dir.close(null);
    return found;
}

describe('grandchildren', () => {
    it('50 children with a grandchild each: SIGTERM to the parent leaves 0 orphans', async () => {
        const marker = `KAA_GRANDCHILD_MARK=${GLib.random_int()}${GLib.get_monotonic_time()}`;
        const child = spawnGjs(`import * as kaa from KAA;
let ready = 0;
for (let i = 0; i < 50; i++) {
    const p = new kaa.Process(['sh', '-c', 'sleep 600 & echo started; wait'], { env: { ${marker.split('=')[0]}: '${marker.split('=')[1]}' } });
    p.start();
    p.readline().connect(() => { if (++ready === 50) print('ready'); });
}
print('status ' + kaa.main.run());`);
        try {
            await child.waitFor('ready');
            expect(marked(marker).length).withContext('children and grandchildren running').toBe(100);
            child.proc.send_signal(15);
            const r = await child.done;
            expect(r.stdout).toContain('status 143');
            const deadline = GLib.get_monotonic_time() + 2_000_000;
            let orphans = marked(marker);
            while (orphans.length && GLib.get_monotonic_time() < deadline) {
                GLib.usleep(50_000);
                orphans = marked(marker);
            }
            report(`grandchildren: ${orphans.length} of 50 left after SIGTERM to the parent`);
            expect(orphans.length).withContext('descendants left alive').toBe(0);
        } finally {
            for (const pid of marked(marker))
                GLib.spawn_command_line_sync(`kill -9 ${pid}`);
        }
    }, 60000);
});
