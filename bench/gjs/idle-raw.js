// idle-wakeups (raw side): a GLib.MainLoop with one GLib.timeout_add an hour
// away; does not load kaa. Prints "ready" from inside the running loop; its
// context switches are counted from outside by bench/run.mjs.
// usage: gjs -m bench/gjs/idle-raw.js
import GLib from 'gi://GLib';

const loop = new GLib.MainLoop(null, false);
GLib.timeout_add(GLib.PRIORITY_DEFAULT, 3600 * 1000, () => {
    loop.quit();
    return GLib.SOURCE_REMOVE;
});
GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
    print('ready');
    return GLib.SOURCE_REMOVE;
});
loop.run();
