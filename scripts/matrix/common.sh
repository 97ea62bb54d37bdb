# Shared by the version-matrix scripts (sourced, not run).

# Where the roots live: outside any clone, kept between runs.
KAA_ROOTS=${KAA_ROOTS:-/var/cache/kaa/roots}
# The suites the matrix runs when none are named: GJS 1.74, 1.82 and the newest.
DEFAULT_SUITES="bookworm trixie testing"
# What a root holds besides minbase: what `npm test` runs under gjs, the GTK
# specs under Xvfb and D-Bus, the TLS specs' tools, meson for the meson-install
# spec, glib-compile-resources (libglib2.0-dev-bin) for the GNOME app spec,
# time(1) for the benchmarks. Node.js is the host's binary, bound in
# (the runner and the bench orchestrator are plain Node).
ROOT_PACKAGES="gjs gir1.2-gtk-4.0 xvfb xauth dbus gnutls-bin openssl glib-networking meson ninja-build libglib2.0-dev-bin procps fonts-dejavu-core ca-certificates time"

root_dir() { printf '%s/%s' "$KAA_ROOTS" "$1"; }
