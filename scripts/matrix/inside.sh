#!/usr/bin/env bash
# PID 1 of enter.sh's namespaces: mounts what the root needs, runs the command
# chrooted and reaps orphans until it ends. Not meant to be run by hand.
set -euo pipefail
r=$KAA_ENTER_ROOT
mount --rbind /dev "$r/dev"
mount -t proc proc "$r/proc"
mount --rbind /sys "$r/sys"
mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"
mkdir -p "$r$KAA_ENTER_PROJECT"
mount --bind "$KAA_ENTER_PROJECT" "$r$KAA_ENTER_PROJECT"
# The peers of `npm run bench -- --peers` live in ../shared beside the clone
# (or ../../shared beside a worktree in wt/NAME, as bench/run.mjs looks).
for up in .. ../..; do
    if [ -d "$KAA_ENTER_PROJECT/$up/shared/bench/peers" ]; then
        shared=$(cd "$KAA_ENTER_PROJECT/$up/shared" && pwd)
        mkdir -p "$r$shared"
        mount --bind -o ro "$shared" "$r$shared"
        break
    fi
done
touch "$r/usr/local/bin/node"
mount --bind "$KAA_ENTER_NODE" "$r/usr/local/bin/node"

if [ -n "$KAA_ENTER_NPM" ]; then
    mkdir -p "$r/usr/local/lib/node_modules/npm"
    mount --bind -o ro "$KAA_ENTER_NPM" "$r/usr/local/lib/node_modules/npm"
    for cmd in npm npx; do
        [ -e "$r/usr/local/bin/$cmd" ] || ln -s "../lib/node_modules/npm/bin/$cmd-cli.js" "$r/usr/local/bin/$cmd"
    done
fi
# The host's trust (a proxy's CA, say) and npm settings, read-only.
ca=/etc/ssl/certs/ca-certificates.crt
[ -f "$ca" ] && [ -f "$r$ca" ] && mount --bind -o ro "$ca" "$r$ca"
if [ -f "$KAA_ENTER_NPMRC" ]; then
    touch "$r/root/.npmrc"
    mount --bind -o ro "$KAA_ENTER_NPMRC" "$r/root/.npmrc"
fi

# Only the variables a user's shell would have, plus CI and the runner's own.
keep=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8)
for name in TERM CI KAA_DEBUG KAA_SPEC_TIMEOUT NO_COLOR NODE_EXTRA_CA_CERTS SSL_CERT_FILE; do
    [ -n "${!name:-}" ] && keep+=("$name=${!name}")
done
chroot "$r" /usr/bin/env -i "${keep[@]}" /bin/sh -c 'cd "$1" && shift && exec "$@"' sh "$KAA_ENTER_CWD" "$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' INT TERM
# As PID 1, bash's wait also reaps the orphans reparented to it.
status=0
wait "$child" || status=$?
while [ "$status" -gt 128 ] && kill -0 "$child" 2>/dev/null; do
    status=0
    wait "$child" || status=$?
done
exit "$status"
