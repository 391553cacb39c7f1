#!/usr/bin/env bash
# Conformance over libvirt's node-device test data: every pci_* file must parse into the model
# (address, vendor, product, class, IOMMU group, SR-IOV relations, NUMA node); every file named
# -invalid, and any PCI file with an impossible address, must be refused with a clear error. Every
# parsed file is then written by `hostdev snapshot` and reopened by libvirt's test driver with the
# same device names, or refused by snapshot naming a capability it cannot write (never half-written).
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
parsed=0 refused=0 wrong=0 reopened=0 unwritable=0
for file in "$corpus"/nodedevs/*.xml; do
    name=$(basename "$file" .xml)
    { echo "<node>"; cat "$file"; echo "</node>"; } >"$work/host.xml"
    if "$hostdev" list --snapshot "$work/host.xml" --format json >"$work/out.json" 2>"$work/err"; then
        case "$name" in
            *-invalid) wrong=$((wrong + 1)); echo "accepted, should be refused: $name" ;;
            *) parsed=$((parsed + 1)) ;;
        esac
        computer="<device><name>computer</name><capability type='system'><hardware><uuid>00000000-0000-4000-8000-000000000000</uuid></hardware></capability></device>"
        if grep -q "<name>computer</name>" "$file"; then computer=""; fi
        { echo "<node>$computer"; cat "$file"; echo "</node>"; } >"$work/host.xml"
        if "$hostdev" snapshot --snapshot "$work/host.xml" -o "$work/snapshot.xml" 2>"$work/err"; then
            if "$hostdev" list --connect "test://$work/snapshot.xml" --format json >"$work/again.json" 2>>"$work/err" \
                && "$hostdev" list --snapshot "$work/host.xml" --format json >"$work/first.json" \
                && [ "$(grep -c '"params"' "$work/again.json")" = "$(grep -c '"params"' "$work/first.json")" ]; then
                reopened=$((reopened + 1))
            else
                wrong=$((wrong + 1)); echo "snapshot does not reopen: $name: $(cat "$work/err")"
            fi
        elif grep -q "as libvirt would read it" "$work/err" && [ ! -e "$work/snapshot.xml" ]; then
            unwritable=$((unwritable + 1))
            echo "  snapshot refuses $name: $(sed 's|^hostdev: ||' "$work/err")"
        else
            wrong=$((wrong + 1)); echo "snapshot failed: $name: $(cat "$work/err")"
        fi
        rm -f "$work/snapshot.xml"
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
echo "$parsed parsed, $refused refused; snapshots: $reopened reopen in the test driver, $unwritable refused; $wrong wrong"
HOSTDEV_CORPUS=$(cd "$corpus" && pwd) swift test --filter NodeDeviceConformance 2>&1 | grep -E "Test run with|✘"
[ "$wrong" -eq 0 ]
