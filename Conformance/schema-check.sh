#!/usr/bin/env bash
# The schema check of the elements written (the default) against the whole-domain check
# (--full-schema), over libvirt's own domain XML:
#   1. hostdev-schema-conformance: every domain whole against domain.rng and against the grammar
#      reduced to its element names; then eighteen edits per domain (hostdev, interface, marker,
#      a second memballoon, a second metadata, attributes changed in place; valid and invalid),
#      checked both ways: same verdicts, same errors.
#   2. hostdev transform with GPU and USB requests on every domain, both ways: same exit status,
#      same output bytes, same errors.
#
#   Conformance/schema-check.sh [CORPUS_DIR]   (default: ../shared/corpus/libvirt-9.0.0; uses CORPUS_DIR/domains)
set -uo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/libvirt-9.0.0}
[ -d "$corpus/domains" ] && corpus=$corpus/domains
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
# BIN_DIR=DIR runs binaries already built there (both products) instead of building them.
if [ -z "${BIN_DIR:-}" ]; then
    swift build --product hostdev >/dev/null && swift build --product hostdev-schema-conformance >/dev/null || exit 2
fi
bin=${BIN_DIR:-$PWD/.build/debug}
hostdev=$bin/hostdev
host=$PWD/Samples/hosts/sample-host.xml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

echo "== the check of the elements written against the whole check, edit by edit =="
"$bin/hostdev-schema-conformance" "$corpus"/*.xml | tail -20 || status=1

echo "== hostdev transform against hostdev transform --full-schema =="
requests=(Samples/vmcreate/gpu.json Samples/vmcreate/usb-and-a100.json Samples/vmcreate/gpu-placeholder.json)
runs=0 same=0 written=0
for file in "$corpus"/*.xml; do
    for request in "${requests[@]}"; do
        runs=$((runs + 1))
        "$hostdev" transform "$file" --vm-create "$request" --snapshot "$host" >"$work/a.xml" 2>"$work/a.err"
        a=$?
        "$hostdev" transform "$file" --vm-create "$request" --snapshot "$host" --full-schema >"$work/b.xml" 2>"$work/b.err"
        b=$?
        if [ $a -eq $b ] && cmp -s "$work/a.xml" "$work/b.xml" && cmp -s <(grep 'error:' "$work/a.err") <(grep 'error:' "$work/b.err"); then
            same=$((same + 1))
            [ $a -eq 0 ] && written=$((written + 1))
        else
            status=1
            echo "differs: $file with $request (exit $a, --full-schema exit $b)"
            diff <(grep 'error:' "$work/a.err") <(grep 'error:' "$work/b.err") | head -5
        fi
    done
done
echo "$same/$runs transforms agree ($written written, $((same - written)) refused by both)"
exit $status
