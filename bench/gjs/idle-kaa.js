// idle-wakeups (kaa side): kaa.main.run() with one OneShotTimer an hour away
// and nothing else to do. Prints "ready" from inside the running loop; its
// context switches are counted from outside by bench/run.mjs, which then
// kills it.
// usage: gjs -m bench/gjs/idle-kaa.js
import * as kaa from '../../dist/kaa.js';

new kaa.OneShotTimer(() => kaa.main.stop()).start(3600);
new kaa.OneShotTimer(() => print('ready')).start(0);
kaa.main.run();
