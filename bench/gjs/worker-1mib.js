// worker-1mib: 200 sequential calls carrying 1 MiB to a worker and the same
// 1 MiB back (an echo). See _payload-calls.js; worker-1mib-in.js is the same
// with only the length coming back.
// usage: gjs -m bench/gjs/worker-1mib.js kaa|raw [n=200] [bytes=1048576]
import { runPayloadCalls } from './_payload-calls.js';

runPayloadCalls('worker-1mib', 'echo');
