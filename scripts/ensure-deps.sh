#!/usr/bin/env bash
# Installs what `npm test`, `npm start` and `npm run bench` need, and only what
# is missing:
# - the system packages: gjs, GTK 4 typelibs, Xvfb, D-Bus, GnuTLS tools,
#   glib-networking for Gio's TLS, meson, glib-compile-resources (the GNOME app
#   example's GResource). On Debian and Ubuntu (dpkg + apt)
#   they are installed when run as root; elsewhere, or when not root, the
#   script prints the exact install line for this system (apt, dnf or pacman)
#   and fails;
# - npm itself when node is there without it (Debian ships them apart);
# - `npm ci` when node_modules is missing or older than package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

# The commands the tests run, and the package that brings each one per
# system: Debian/Ubuntu, Fedora, Arch. Typelibs and glib-networking have no
# command; they are checked through the packages on Debian, and through
# files elsewhere.
debian=(gjs gir1.2-gtk-4.0 xvfb xauth dbus gnutls-bin glib-networking meson libglib2.0-dev-bin)
fedora=(gjs gtk4 xorg-x11-server-Xvfb xorg-x11-xauth dbus-daemon gnutls-utils glib-networking meson glib2-devel)
arch=(gjs gtk4 xorg-server-xvfb xorg-xauth dbus gnutls glib-networking meson)

install_line() {
    local sudo=sudo
    [ "$(id -u)" = 0 ] && sudo=
    if command -v apt-get >/dev/null; then
        echo "${sudo:+sudo }apt-get update && ${sudo:+sudo }apt-get install -y $*"
    elif command -v dnf >/dev/null; then
        echo "${sudo:+sudo }dnf install -y ${fedora[*]}"
    elif command -v pacman >/dev/null; then
        echo "${sudo:+sudo }pacman -S --needed ${arch[*]}"
    else
        echo "install: gjs, GTK 4 and its GObject introspection data, Xvfb with xvfb-run, xauth, D-Bus (dbus-run-session), GnuTLS tools (certtool), glib-networking, meson, glib-compile-resources"
    fi
}

missing=()
if command -v dpkg-query >/dev/null && command -v apt-get >/dev/null; then
    for pkg in "${debian[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
else
    for cmd in gjs xvfb-run xauth dbus-run-session certtool meson glib-compile-resources; do
        command -v "$cmd" >/dev/null || missing+=("$cmd")
    done
    gjs -c "imports.gi.versions.Gtk = '4.0'; imports.gi.Gtk" >/dev/null 2>&1 || missing+=(Gtk-4.0-typelib)
    compgen -G '/usr/lib*/gio/modules/libgiognutls.so' >/dev/null \
        || compgen -G '/usr/lib/*/gio/modules/libgiognutls.so' >/dev/null || missing+=(glib-networking)
fi
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ] && command -v dpkg-query >/dev/null && command -v apt-get >/dev/null; then
        echo "ensure-deps: installing ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    else
        echo "ensure-deps: missing: ${missing[*]}; install them with:" >&2
        echo "  $(install_line "${missing[@]}")" >&2
        exit 1
    fi
fi

stamp=node_modules/.package-lock.stamp
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "ensure-deps: npm ci" >&2
    npm ci --no-audit --no-fund --loglevel=error >&2
    cp package-lock.json "$stamp"
fi
