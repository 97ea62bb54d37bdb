#!/usr/bin/env bash
# `npm test`: everything CI runs, in order: dependencies, typecheck, lint,
# build, then every spec under gjs. Extra arguments go to the spec runner
# (e.g. `npm test -- --filter Timer test/timers.spec.ts`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo '== typecheck' >&2
npx tsc --noEmit -p tsconfig.json
npx tsc --noEmit -p test/tsconfig.json
echo '== lint' >&2
npx eslint --max-warnings 0 --no-error-on-unmatched-pattern src test bench examples scripts eslint.config.js
echo '== build' >&2
node scripts/build.mjs
echo '== specs' >&2
exec node test/runner/run.mjs "$@"
