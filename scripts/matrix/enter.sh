#!/usr/bin/env bash
# Runs a command inside a suite's root, in the current directory's project:
#
#   bash scripts/matrix/enter.sh trixie gjs --version
#   bash scripts/matrix/enter.sh testing node test/runner/run.mjs test/io/tls.spec.ts
#
# The command runs in new mount and PID namespaces (unshare): the root gets
# /dev, /proc, /sys, a fresh /tmp, the project at the same path, the host's
# node and npm, and the host's CA bundle and ~/.npmrc (so npm inside reaches
# the registry the way it does on the host). Every mount lives only in that mount namespace and every
# process in that PID namespace, so when the command ends — or is killed —
# the kernel removes both: nothing is left mounted or running on the host.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

suite=${1:?usage: enter.sh SUITE COMMAND [ARG…]}
shift
(($#)) || { echo "usage: enter.sh SUITE COMMAND [ARG…]" >&2; exit 2; }
root=$(root_dir "$suite")
if [ ! -f "$root/.kaa-root" ]; then
    echo "matrix: no $suite root in $KAA_ROOTS; build it with: bash scripts/matrix/root.sh $suite" >&2
    exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "matrix: entering a root needs root (mount namespaces, chroot)" >&2
    exit 1
fi
project=$(cd "$here/../.." && pwd)
# The host's npm package (npm-cli.js's folder's parent), or nothing.
npm_dir() {
    local cli
    cli=$(readlink -f "$(command -v npm 2>/dev/null)" 2>/dev/null) || return 0
    [ -f "$cli" ] && cd "$(dirname "$cli")/.." && pwd
}
case $PWD/ in
    "$project"/*) ;;
    *) echo "matrix: run enter.sh from inside the project ($project)" >&2; exit 2 ;;
esac
exec unshare --mount --pid --fork --kill-child --propagation private \
    env KAA_ENTER_ROOT="$root" KAA_ENTER_PROJECT="$project" KAA_ENTER_CWD="$PWD" \
        KAA_ENTER_NODE="$(command -v node)" \
        KAA_ENTER_NPM="$(npm_dir)" KAA_ENTER_NPMRC="${HOME:-/root}/.npmrc" \
    bash "$here/inside.sh" "$@"
