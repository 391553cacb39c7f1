#!/usr/bin/env bash
# Conformance over libvirt's node-device test data: every pci_* file must parse into the model
# (address, vendor, product, class, IOMMU group, SR-IOV relations, NUMA node); every file named
# -invalid, and any PCI file with an impossible address, must be refused with a clear error.
#
#   Conformance/nodedevs.sh [CORPUS_DIR]   (default: ../shared/corpus/libvirt-9.0.0)
set -uo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/libvirt-9.0.0}
[ -d "$corpus/nodedevs" ] || { echo "no nodedevs under $corpus" >&2; exit 2; }
swift build --product hostdev >/dev/null || exit 2
hostdev=$PWD/.build/debug/hostdev
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
parsed=0 refused=0 wrong=0
for file in "$corpus"/nodedevs/*.xml; do
    name=$(basename "$file" .xml)
    { echo "<node>"; cat "$file"; echo "</node>"; } >"$work/host.xml"
    if "$hostdev" list --snapshot "$work/host.xml" --format json >"$work/out.json" 2>"$work/err"; then
        case "$name" in
            *-invalid) wrong=$((wrong + 1)); echo "accepted, should be refused: $name" ;;
            *) parsed=$((parsed + 1)) ;;
        esac
    else
        refused=$((refused + 1))
        case "$name" in
            *-invalid) ;;
            pci_*) grep -q "out of range" "$work/err" || { wrong=$((wrong + 1)); echo "refused: $name: $(cat "$work/err")"; } ;;
            *) wrong=$((wrong + 1)); echo "refused: $name: $(cat "$work/err")" ;;
        esac
        echo "  refused $name: $(sed 's|^hostdev: [^ ]*: ||' "$work/err")"
    fi
done
echo "$parsed parsed, $refused refused, $wrong wrong"
HOSTDEV_CORPUS=$(cd "$corpus" && pwd) swift test --filter NodeDeviceConformance 2>&1 | grep -E "Test run with|✘"
[ "$wrong" -eq 0 ]
