#!/usr/bin/env bash
# The transform, whole process, against the tools people use now, on the same domain in one run:
#   hostdev transform (a GPU request, the sample host from a snapshot), with and without the
#   domain.rng check; virt-xml --add-device --host-device from Debian's virtinst (the same edit,
#   through libvirt's test driver on the same host); xmllint --format on the same file (the floor:
#   one libxml2 parse and write per process). Then the library's throughput in one process.
#
#   Benchmarks/transform.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
command -v virt-xml >/dev/null || apt-get install -y -qq virtinst >/dev/null
command -v xmllint >/dev/null || apt-get install -y -qq libxml2-utils >/dev/null
swift build -c release --scratch-path .build-release --product hostdev >/dev/null
swift build -c release --scratch-path .build-release --product hostdev-throughput >/dev/null
bin=$PWD/.build-release/release
host=$PWD/Samples/hosts/sample-host.xml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# virt-xml refuses a domain file that starts with a comment; give every tool the same file without it.
sed '1,3d' Samples/domains/web-server.xml >"$work/domain.xml"
echo '[{"type": "hostdev", "device": "pci_0000_01_00_0"}, {"type": "hostdev", "device": "pci_0000_01_00_1"}]' >"$work/gpu.json"

hyperfine -N -w 3 -r 30 --export-json "$work/t.json" \
    -n "hostdev transform" "$bin/hostdev transform $work/domain.xml --vm-create $work/gpu.json --snapshot $host" \
    -n "hostdev transform --no-schema" "$bin/hostdev transform $work/domain.xml --no-schema --vm-create $work/gpu.json --snapshot $host" \
    -n "xmllint --format" "xmllint --format $work/domain.xml" >/dev/null
hyperfine -w 1 -r 10 --export-json "$work/v.json" \
    -n "virt-xml --add-device --host-device" \
    "virt-xml --connect test://$host --add-device --host-device pci_0000_01_00_0 --host-device pci_0000_01_00_1 <$work/domain.xml" >/dev/null
python3 - "$work/t.json" "$work/v.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"] + json.load(open(sys.argv[2]))["results"]
floor = next(r["median"] for r in results if r["command"] == "xmllint --format")
peer = next(r["median"] for r in results if r["command"].startswith("virt-xml"))
print(f"{'one domain + GPU request, whole process':40} {'median':>9} {'vs xmllint':>11} {'vs virt-xml':>12}")
for r in results:
    print(f"{r['command']:40} {r['median']*1000:7.1f}ms {r['median']/floor:10.1f}x {peer/r['median']:10.1f}x faster")
PY
"$bin/hostdev-throughput" "$work/domain.xml" "$work/gpu.json" "$host" 2
