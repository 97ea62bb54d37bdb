// startup (raw side): a GLib.MainLoop quit from a zero-delay
// GLib.timeout_add; does not load kaa. Spawned and timed by bench/run.mjs.
// usage: gjs -m bench/gjs/startup-raw.js
import GLib from 'gi://GLib';

const loop = new GLib.MainLoop(null, false);
GLib.timeout_add(GLib.PRIORITY_DEFAULT, 0, () => {
    loop.quit();
    return GLib.SOURCE_REMOVE;
});
loop.run();
