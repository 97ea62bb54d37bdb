#!/usr/bin/env bash
# Installs what `npm test`, `npm start` and `npm run bench` need, and only what
# is missing: the Debian packages (gjs, GTK 4 typelibs, Xvfb, D-Bus, GnuTLS
# tools, glib-networking for Gio's TLS) when run as root, else prints the exact command and fails; then
# `npm ci` when node_modules is missing or older than package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(gjs gir1.2-gtk-4.0 xvfb xauth dbus gnutls-bin glib-networking meson)
missing=()
for pkg in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ]; then
        echo "ensure-deps: installing ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    else
        echo "ensure-deps: missing Debian packages; run:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi

stamp=node_modules/.package-lock.stamp
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "ensure-deps: npm ci" >&2
    npm ci --no-audit --no-fund --loglevel=error >&2
    cp package-lock.json "$stamp"
fi
