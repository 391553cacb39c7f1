#!/usr/bin/env bash
# Inventory at scale: hostdev reading fake hosts of 750 to 6000 devices (PCI in IOMMU groups of
# nine, plus USB and SCSI), from a snapshot and from a sysfs tree, against the floor of merely
# parsing the snapshot file (xmllint --noout, libxml2 alone) in the same run.
# Linear means the time per device stays flat as the host grows.
#
#   Benchmarks/inventory.sh [SIZES...]      (default: 750 1500 3000 6000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-750 1500 3000 6000}")
read -r -a sizes <<<"${sizes[*]}"

command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
command -v xmllint >/dev/null || apt-get install -y -qq libxml2-utils >/dev/null
make --no-print-directory release >/dev/null
hostdev=$PWD/.build-release/release/hostdev
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { # hyperfine JSON -> median seconds
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$1"
}

printf '%-8s %12s %12s %12s %14s %14s %10s\n' devices snapshot sysfs xmllint "snapshot/dev" "sysfs/dev" "snap/xmllint"
for size in "${sizes[@]}"; do
    python3 Benchmarks/generate-host.py "$size" "$work/$size" >/dev/null
    hyperfine -N -w 2 -r 7 --export-json "$work/s.json" "$hostdev list --snapshot $work/$size/host.xml --format json" >/dev/null
    hyperfine -N -w 2 -r 7 --export-json "$work/f.json" "$hostdev list --sysfs $work/$size/root --format json" >/dev/null 2>&1 ||
        echo '{"results":[{"median":"nan"}]}' >"$work/f.json"
    hyperfine -N -w 2 -r 7 --export-json "$work/v.json" "xmllint --noout $work/$size/host.xml" >/dev/null
    s=$(median "$work/s.json") f=$(median "$work/f.json") v=$(median "$work/v.json")
    python3 - "$size" "$s" "$f" "$v" <<'PY'
import sys
n, s, f, v = int(sys.argv[1]), *(float(x) for x in sys.argv[2:])
print(f"{n:<8} {s*1000:10.1f}ms {f*1000:10.1f}ms {v*1000:10.1f}ms {s/n*1e6:12.1f}us {f/n*1e6:12.1f}us {s/v:10.2f}x")
PY
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
