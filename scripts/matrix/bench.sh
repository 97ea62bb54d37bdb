#!/usr/bin/env bash
# `npm run bench:gjs -- SUITE [bench options and scenarios]`: the benchmarks
# (bench/run.mjs) inside one root of the version matrix, after a build on the
# host. Example: `npm run bench:gjs -- trixie --rounds 3 timer-chain`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
suite=${1:?usage: bench.sh SUITE [bench/run.mjs arguments]}
shift
bash scripts/ensure-deps.sh
node scripts/build.mjs >&2
bash "$here/root.sh" "$suite"
exec bash "$here/enter.sh" "$suite" node bench/run.mjs "$@"
