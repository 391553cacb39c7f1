#!/usr/bin/env bash
# `make install DESTDIR=TMP PREFIX=/usr` of built products, then checks the layout file by file:
# binary, library, header, pkg-config file, Python module, libvirt hook, man pages, completions.
#
#   scripts/check-install.sh BUILD_DIR MAN_DIR
set -euo pipefail

build=${1:?usage: scripts/check-install.sh BUILD_DIR MAN_DIR}
man=${2:?usage: scripts/check-install.sh BUILD_DIR MAN_DIR}
root=$(mktemp -d "${TMPDIR:-/tmp}/hostdev-install.XXXXXX")
trap 'rm -rf "$root"' EXIT

DESTDIR=$root PREFIX=/usr bash "$(dirname "$0")/install.sh" "$build" "$man"

failures=0
expect() {
    local test=$1 path=$2
    if [ "$test" "$root$path" ]; then
        echo "ok   $path"
    else
        echo "FAIL $path (test $test)" >&2
        failures=$((failures + 1))
    fi
}
expect -x /usr/bin/hostdev
expect -f /usr/lib/libhostdev.so.0
expect -L /usr/lib/libhostdev.so
expect -f /usr/include/hostdev.h
expect -f /usr/lib/pkgconfig/hostdev.pc
expect -f /usr/lib/python3/dist-packages/hostdev/__init__.py
expect -x /etc/libvirt/hooks/qemu.d/hostdev
expect -s /usr/share/bash-completion/completions/hostdev
expect -s /usr/share/zsh/vendor-completions/_hostdev
expect -s /usr/share/fish/vendor_completions.d/hostdev.fish
expect -f /usr/share/man/man1/hostdev.1
for command in $("$build/hostdev" --help | sed -n '/^SUBCOMMANDS:/,/^$/p' | awk '/^  [a-z]/ { print $1 }'); do
    expect -f "/usr/share/man/man1/hostdev.$command.1"
done

# The pkg-config file names the installed paths; with the staging root as sysroot it finds them.
flags=$(PKG_CONFIG_PATH=$root/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root pkg-config --cflags --libs hostdev | xargs)
[ "$flags" = "-I$root/usr/include -L$root/usr/lib -lhostdev" ] || {
    echo "FAIL pkg-config --cflags --libs hostdev: $flags" >&2
    failures=$((failures + 1))
}
grep -q "^libdir=/usr/lib$" "$root/usr/lib/pkgconfig/hostdev.pc" || { echo "FAIL hostdev.pc libdir" >&2; failures=$((failures + 1)); }
grep -q "\"/usr/lib/libhostdev.so.0\"" "$root/usr/lib/python3/dist-packages/hostdev/__init__.py" || {
    echo "FAIL the Python module does not name /usr/lib/libhostdev.so.0" >&2
    failures=$((failures + 1))
}
python=$(command -v /usr/bin/python3 || command -v python3)
version=$(HOSTDEV_LIBRARY=$root/usr/lib/libhostdev.so.0 PYTHONPATH=$root/usr/lib/python3/dist-packages \
    "$python" -c 'import hostdev; print(hostdev.version())')
[ "$version" = "$("$build/hostdev" --version)" ] || { echo "FAIL python: hostdev.version() = $version" >&2; failures=$((failures + 1)); }

grep -q '^exec /usr/bin/hostdev hook -- "\$@"$' "$root/etc/libvirt/hooks/qemu.d/hostdev" || {
    echo "FAIL the hook does not run /usr/bin/hostdev hook" >&2
    failures=$((failures + 1))
}

if [ "$failures" -ne 0 ]; then
    echo "make install layout: $failures problem(s)" >&2
    exit 1
fi
echo "make install layout: complete"
