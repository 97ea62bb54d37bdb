// Prints, as one JSON line, what dist/kaa.js exports: the top-level names and
// the members of kaa.main (bench/run.mjs uses it to skip scenarios whose kaa
// API is not built yet). Prints {"error": ...} if the bundle does not import.
// usage: gjs -m bench/gjs/_probe.js
import * as kaa from '../../dist/kaa.js';

const members = value => {
    const names = new Set();
    for (let o = value; o && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o))
        Object.getOwnPropertyNames(o).forEach(name => names.add(name));
    return [...names].sort();
};
const exports = Object.keys(kaa).sort();
const nested = {};
for (const name of exports) {
    const value = kaa[name];
    if (value && (typeof value === 'object' || typeof value === 'function'))
        nested[name] = members(value);
}
print(JSON.stringify({ exports, members: nested }));
