#!/usr/bin/env bash
# The version matrix (`npm run test:gjs [-- SUITE…]`): builds kaa once on the
# host, then in each Debian root (default: bookworm, trixie, testing — GJS
# 1.74, 1.82 and the newest) runs every spec file and the tour (`npm start`,
# which must exit 0 with nothing on stderr). Prints each root's GJS version
# and closing line, then one combined closing line `N passed, N failed`.
#
# Roots are built once into $KAA_ROOTS (default /var/cache/kaa/roots) by
# root.sh; enter.sh runs each command in throw-away namespaces, so nothing
# stays mounted or running, even when the run is interrupted. Arguments
# after `--specs` go to the spec runner (e.g. `-- trixie --specs test/io`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
cd "$here/../.."

suites=()
runner_args=()
while (($#)); do
    case $1 in
        --specs) shift; runner_args=("$@"); break ;;
        -*) echo "matrix: unknown option $1" >&2; exit 2 ;;
        *) suites+=("$1"); shift ;;
    esac
done
((${#suites[@]})) || read -r -a suites <<< "$DEFAULT_SUITES"

bash scripts/ensure-deps.sh
node scripts/build.mjs >&2

# Missing roots are built side by side (the downloads dominate).
pids=()
for suite in "${suites[@]}"; do
    bash "$here/root.sh" "$suite" & pids+=($!)
done
for pid in "${pids[@]}"; do
    wait "$pid" || { echo "matrix: a root could not be built (see above)" >&2; exit 1; }
done

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
# Interrupted (SIGTERM to this script alone, too): end every command it
# started; each root's namespaces die with their unshare, mounts included.
trap 'trap - INT TERM; kill -TERM 0 2>/dev/null; exit 130' INT TERM
total_passed=0 total_failed=0
summary=()
for suite in "${suites[@]}"; do
    version=$(bash "$here/enter.sh" "$suite" gjs --version)
    echo "== $suite: $version" >&2
    log=$logs/$suite.log
    # In the background, so that `wait` (unlike a foreground pipeline) lets
    # the INT/TERM trap run at once.
    bash "$here/enter.sh" "$suite" node test/runner/run.mjs "${runner_args[@]}" > "$log" 2>&1 &
    runner=$!
    tail -n +1 -f --pid="$runner" "$log" &
    wait "$runner" || true
    wait
    line=$(grep -E '^jasmine: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        passed=0 failed=1
        line="the spec runner ended without its closing line"
    else
        read -r passed failed < <(sed -E 's/^jasmine: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/' <<< "$line")
    fi
    # `npm start` in the root: the tour exits 0 and prints nothing on stderr.
    if ((${#runner_args[@]} == 0)); then
        tour_err=$logs/$suite.tour.err
        if bash "$here/enter.sh" "$suite" gjs -m examples/tour/main.js > /dev/null 2> "$tour_err" \
            && [ ! -s "$tour_err" ]; then
            passed=$((passed + 1)); tour=ok
        else
            failed=$((failed + 1)); tour=FAILED
            echo "== $suite: the tour failed or wrote to stderr:" >&2
            head -n 40 "$tour_err" >&2
        fi
        line="$line; tour $tour"
    fi
    summary+=("$suite ($version): $line")
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
done

echo
printf '%s\n' "${summary[@]}"
echo "matrix: $total_passed passed, $total_failed failed"
((total_failed == 0))
