// The kaa tour: what `npm start` runs. It grows with every capability.
// Run it yourself with: npm run build && gjs -m examples/tour/main.js
import * as kaa from '../../dist/kaa.js';

print(`kaa ${kaa.VERSION} tour`);
