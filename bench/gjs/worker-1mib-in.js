// worker-1mib-in: 200 sequential calls carrying 1 MiB to a worker that
// answers with its length — the payload travels one way, as in the Node and
// raw GJS peers of rpc-roundtrip (`payload` calls). See _payload-calls.js.
// usage: gjs -m bench/gjs/worker-1mib-in.js kaa|raw [n=200] [bytes=1048576]
import { runPayloadCalls } from './_payload-calls.js';

runPayloadCalls('worker-1mib-in', 'length');
