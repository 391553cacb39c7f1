#!/usr/bin/env bash
# The transform, whole process, against the tools people use now, on the same domain in one run:
#   hostdev transform (a GPU request, the sample host from a snapshot), with and without the
#   domain.rng check; virt-xml --add-device --host-device from Debian's virtinst (the same edit,
#   through libvirt's test driver on the same host); xmllint --format on the same file (the floor:
#   one libxml2 parse and write per process) and xmllint --relaxng with libvirt's domain.rng (the floor
#   of the schema check: libxml2 compiling and running the same schema). Then the library's
#   throughput in one process.
#
#   Benchmarks/transform.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
command -v virt-xml >/dev/null || apt-get install -y -qq virtinst >/dev/null
command -v xmllint >/dev/null || apt-get install -y -qq libxml2-utils >/dev/null
make --no-print-directory release >/dev/null
bin=$PWD/.build-release/release
host=$PWD/Samples/hosts/sample-host.xml
schema=/usr/share/libvirt/schemas/domain.rng
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME=$work/cache # the schema check's reduced grammar, written by the warm-ups
# virt-xml refuses a domain file that starts with a comment; give every tool the same file without it.
sed '1,3d' Samples/domains/web-server.xml >"$work/domain.xml"
echo '[{"type": "hostdev", "device": "pci_0000_01_00_0"}, {"type": "hostdev", "device": "pci_0000_01_00_1"}]' >"$work/gpu.json"

hyperfine -N -w 3 -r 30 --export-json "$work/t.json" \
    -n "hostdev transform" "$bin/hostdev transform $work/domain.xml --vm-create $work/gpu.json --snapshot $host" \
    -n "hostdev transform --no-schema" "$bin/hostdev transform $work/domain.xml --no-schema --vm-create $work/gpu.json --snapshot $host" \
    -n "hostdev transform --full-schema" "$bin/hostdev transform $work/domain.xml --full-schema --vm-create $work/gpu.json --snapshot $host" \
    -n "xmllint --format" "xmllint --format $work/domain.xml" \
    -n "xmllint --relaxng domain.rng" "xmllint --noout --relaxng $schema $work/domain.xml" >/dev/null
hyperfine -w 1 -r 10 --export-json "$work/v.json" \
    -n "virt-xml --add-device --host-device" \
    "virt-xml --connect test://$host --add-device --host-device pci_0000_01_00_0 --host-device pci_0000_01_00_1 <$work/domain.xml" >/dev/null
python3 - "$work/t.json" "$work/v.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"] + json.load(open(sys.argv[2]))["results"]
median = {r["command"]: r["median"] for r in results}
floor = median["xmllint --format"]
schema_floor = median["xmllint --relaxng domain.rng"]
peer = next(m for c, m in median.items() if c.startswith("virt-xml"))
print(f"{'one domain + GPU request, whole process':40} {'median':>9} {'vs --format':>12} {'vs --relaxng':>13} {'vs virt-xml':>12}")
for command, m in median.items():
    print(f"{command:40} {m*1000:7.1f}ms {m/floor:11.1f}x {m/schema_floor:12.2f}x {peer/m:10.1f}x faster")
PY
"$bin/hostdev-throughput" "$work/domain.xml" "$work/gpu.json" "$host" 2
