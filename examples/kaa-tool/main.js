// kaa-watch from the repository, without installing it:
//
//   npm run build && gjs -m examples/kaa-tool/main.js DIR -- COMMAND [ARG...]
//
// Installed by meson, the same tool runs as `kaa-watch` (see kaa-watch.in).
// The loop starts synchronously at the top level of this module.
import system from 'system';
import * as kaa from '../../dist/kaa.js';
import { main } from './watch.js';

system.exit(main(kaa, ARGV));
