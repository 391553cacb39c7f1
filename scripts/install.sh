#!/usr/bin/env bash
# Lays out an installation of hostdev from built products: the binary, libhostdev.so with its
# header and pkg-config file, the Python module, the libvirt hook, man pages and completions.
#
#   scripts/install.sh BUILD_DIR [MAN_DIR]
#
# BUILD_DIR holds `hostdev` and `libHostdevC.so`; MAN_DIR the pages of swift-argument-parser's
# generate-manual plugin (left out when not given). The layout follows the usual variables, each
# overridable from the environment: DESTDIR, PREFIX (/usr/local), BINDIR, LIBDIR ($PREFIX/lib),
# INCLUDEDIR, PKGCONFIGDIR, MANDIR, DATADIR, PYTHONDIR (the system python3's dist-packages for
# PREFIX), HOOKDIR (/etc/libvirt/hooks/qemu.d, where libvirt looks, whatever the prefix).
set -euo pipefail

build=${1:?usage: scripts/install.sh BUILD_DIR [MAN_DIR]}
man=${2:-}
source_dir=$(cd "$(dirname "$0")/.." && pwd)

DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr/local}
BINDIR=${BINDIR:-$PREFIX/bin}
LIBDIR=${LIBDIR:-$PREFIX/lib}
INCLUDEDIR=${INCLUDEDIR:-$PREFIX/include}
PKGCONFIGDIR=${PKGCONFIGDIR:-$LIBDIR/pkgconfig}
DATADIR=${DATADIR:-$PREFIX/share}
MANDIR=${MANDIR:-$DATADIR/man}
HOOKDIR=${HOOKDIR:-/etc/libvirt/hooks/qemu.d}
if [ -z "${PYTHONDIR:-}" ]; then
    # Debian's python3 reads /usr/lib/python3/dist-packages (packages) and
    # /usr/local/lib/python3.X/dist-packages (local installs).
    if [ "$PREFIX" = /usr ]; then
        PYTHONDIR=$PREFIX/lib/python3/dist-packages
    else
        python=$(command -v /usr/bin/python3 || command -v python3 || echo python3)
        version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo 3)
        PYTHONDIR=$PREFIX/lib/python$version/dist-packages
    fi
fi

for product in hostdev libHostdevC.so; do
    [ -f "$build/$product" ] || { echo "error: $build/$product is not built" >&2; exit 1; }
done

root=$DESTDIR
install -D -m 0755 "$build/hostdev" "$root$BINDIR/hostdev"

# The library under its soname, with the development link beside it.
install -D -m 0755 "$build/libHostdevC.so" "$root$LIBDIR/libhostdev.so.0"
ln -sfn libhostdev.so.0 "$root$LIBDIR/libhostdev.so"
# The loader's cache learns of a library in a new directory (/usr/local/lib) from ldconfig.
if [ -z "$DESTDIR" ] && [ "$(id -u)" -eq 0 ] && command -v ldconfig >/dev/null 2>&1; then ldconfig; fi
install -D -m 0644 "$source_dir/Sources/HostdevC/include/hostdev.h" "$root$INCLUDEDIR/hostdev.h"
version=$("$build/hostdev" --version)
mkdir -p "$root$PKGCONFIGDIR"
cat >"$root$PKGCONFIGDIR/hostdev.pc" <<PC
prefix=$PREFIX
libdir=$LIBDIR
includedir=$INCLUDEDIR

Name: hostdev
Description: PCI host-device passthrough for libvirt guests, made safe
Version: $version
Libs: -L\${libdir} -lhostdev
Cflags: -I\${includedir}
PC

# The Python module, pointed at the installed library.
install -d "$root$PYTHONDIR/hostdev"
sed "s|@HOSTDEV_LIBRARY@|$LIBDIR/libhostdev.so.0|" "$source_dir/python/hostdev/__init__.py" \
    >"$root$PYTHONDIR/hostdev/__init__.py"
chmod 0644 "$root$PYTHONDIR/hostdev/__init__.py"

# libvirt's QEMU hook (libvirt reads the hooks directory when it starts: restart libvirtd once).
install -d "$root$HOOKDIR"
sed "s|@BINDIR@|$BINDIR|" "$source_dir/scripts/libvirt-hook.sh" >"$root$HOOKDIR/hostdev"
chmod 0755 "$root$HOOKDIR/hostdev"

if [ -n "$man" ]; then
    install -d "$root$MANDIR/man1"
    install -m 0644 "$man"/*.1 "$root$MANDIR/man1/"
fi

install -d "$root$DATADIR/bash-completion/completions" "$root$DATADIR/zsh/vendor-completions" \
    "$root$DATADIR/fish/vendor_completions.d"
"$build/hostdev" --generate-completion-script bash >"$root$DATADIR/bash-completion/completions/hostdev"
"$build/hostdev" --generate-completion-script zsh >"$root$DATADIR/zsh/vendor-completions/_hostdev"
"$build/hostdev" --generate-completion-script fish >"$root$DATADIR/fish/vendor_completions.d/hostdev.fish"
