#!/usr/bin/env bash
# Builds the Debian root for one suite (bookworm, trixie, testing, …) with
# debootstrap, into "$KAA_ROOTS/SUITE" (default /var/cache/kaa/roots), unless
# it is there already with the same package list. A root built from an older
# list gets the missing packages added, not a rebuild. Needs root.
#
#   bash scripts/matrix/root.sh SUITE
#
# A new root is made in SUITE.new and renamed when complete, so an
# interrupted build never leaves a half root that looks ready. Every mount
# (debootstrap's own /proc too) lives in a private mount namespace, so an
# interrupted build leaves nothing mounted on the host.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

suite=${1:?usage: root.sh SUITE}
dir=$(root_dir "$suite")
stamp=$dir/.kaa-root
log=$KAA_ROOTS/$suite.log

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$ROOT_PACKAGES" ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "matrix: building the $suite root needs root (debootstrap, chroot); run: sudo bash $0 $suite" >&2
    exit 1
fi

fail() {
    echo "matrix: building the $suite root failed ($1); the last lines of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
}

# apt inside the root resolves the packages (debootstrap's own --include
# cannot pick between alternatives such as dbus-session-bus).
install_packages() {
    unshare --mount --pid --fork --kill-child --propagation private bash -c '
        set -e
        mount --rbind /dev "$1/dev"
        mount -t proc proc "$1/proc"
        export DEBIAN_FRONTEND=noninteractive
        # The archive mirrored here may hold a Release file past its Valid-Until.
        chroot "$1" apt-get -o Acquire::Check-Valid-Until=false update -qq
        chroot "$1" apt-get install -y -qq --no-install-recommends $2
        chroot "$1" apt-get clean
    ' sh "$1" "$ROOT_PACKAGES" >> "$log" 2>&1 || fail "apt-get install"
}

mkdir -p "$KAA_ROOTS"
if [ -f "$stamp" ]; then
    echo "matrix: adding packages to the $suite root" >&2
    install_packages "$dir"
    printf '%s' "$ROOT_PACKAGES" > "$stamp"
    exit 0
fi

command -v debootstrap >/dev/null || {
    echo "matrix: installing debootstrap" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >&2
}
tmp=$dir.new
rm -rf "$tmp"
echo "matrix: debootstrap $suite into $dir (a few minutes, once)" >&2
# No mirror argument: debootstrap's own default. KAA_DEBIAN_MIRROR overrides it.
unshare --mount --propagation private \
    debootstrap --variant=minbase "$suite" "$tmp" ${KAA_DEBIAN_MIRROR:+"$KAA_DEBIAN_MIRROR"} > "$log" 2>&1 \
    || fail debootstrap
install_packages "$tmp"
# dbus-run-session wants a machine id; localhost must resolve for the socket specs.
chroot "$tmp" dbus-uuidgen --ensure=/etc/machine-id
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$tmp/etc/hosts"
rm -rf "$dir"
mv "$tmp" "$dir"
printf '%s' "$ROOT_PACKAGES" > "$stamp"
echo "matrix: $suite root ready: $(chroot "$dir" gjs --version)" >&2
