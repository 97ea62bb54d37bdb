// startup (kaa side): import kaa, run kaa.main.run() and stop it from a
// zero-delay OneShotTimer. Spawned and timed from outside by bench/run.mjs.
// usage: gjs -m bench/gjs/startup-kaa.js
import * as kaa from '../../dist/kaa.js';

new kaa.OneShotTimer(() => kaa.main.stop()).start(0);
kaa.main.run();
