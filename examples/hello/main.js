// The simplest kaa program: a timer prints once a second until Ctrl-C.
//
//   npm run build && gjs -m examples/hello/main.js
//
// `kaa.main.run()` returns the exit status: 130 after Ctrl-C (SIGINT),
// 143 after SIGTERM, 0 after `kaa.main.stop()`. The loop is started
// synchronously at the top level of the module, never after an `await`
// (the GJS trap, 1.74 to 1.90: see README.md, "GJS caveats").
import system from 'system';
import * as kaa from '../../dist/kaa.js';

let ticks = 0;
const timer = new kaa.Timer(() => {
    ticks++;
    print(`tick ${ticks}`);
});
timer.start(1);
print('hello from kaa: a tick a second, Ctrl-C to stop');

const status = kaa.main.run();
print(`stopped after ${ticks} tick(s), exit status ${status}`);
system.exit(status);
