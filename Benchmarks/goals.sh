#!/usr/bin/env bash
# The speed goals (issue 16), each row beside its reference, measured in the same run on the release
# build (`make release`): whole processes, medians of hyperfine runs, ratios rather than absolute
# times (the machine may be shared). Exits 0 even when a goal does not hold; the last column says.
#
#   transform, one domain + GPU request, default (schema check on)   vs virt-xml --add-device --host-device
#   transform --no-schema                                             vs xmllint --format of the same file
#   list --snapshot, 1000-device host (generate-host.py)              vs xmllint --noout of the same file
#   list --sysfs, the same host as a sysfs tree                       vs list --snapshot of it
#
# Also the floor of every hostdev process (Benchmarks/ParserFloor: transform's arguments parsed by
# swift-argument-parser in a binary linked as hostdev is, and nothing done) beside xmllint --format.
#
#   Benchmarks/goals.sh [RUNS]   (default 40 runs per command, after 5 warm-ups)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-40}
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
command -v virt-xml >/dev/null || apt-get install -y -qq virtinst >/dev/null
command -v xmllint >/dev/null || apt-get install -y -qq libxml2-utils >/dev/null
make --no-print-directory release >/dev/null
swift build -c release --static-swift-stdlib --scratch-path .build-release --product hostdev-parser-floor >/dev/null
hostdev=$PWD/.build-release/release/hostdev
floor=$PWD/.build-release/release/hostdev-parser-floor
host=$PWD/Samples/hosts/sample-host.xml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The reduced grammar of the schema check is kept between runs (the warm-ups write it): in a cache of
# this run's own; the row "nothing cached" shows the first run on a machine.
export XDG_CACHE_HOME=$work/cache
# virt-xml refuses a domain file that starts with a comment; give every tool the same file without it.
sed '1,3d' Samples/domains/web-server.xml >"$work/domain.xml"
echo '[{"type": "hostdev", "device": "pci_0000_01_00_0"}, {"type": "hostdev", "device": "pci_0000_01_00_1"}]' >"$work/gpu.json"
python3 Benchmarks/generate-host.py 1000 "$work/host1000" >/dev/null

transform="$hostdev transform $work/domain.xml --vm-create $work/gpu.json --snapshot $host"
hyperfine -N -w 5 -r "$runs" --export-json "$work/a.json" \
    -n "transform (schema check on)" "$transform" \
    -n "transform --no-schema" "$transform --no-schema" \
    -n "transform --full-schema" "$transform --full-schema" \
    -n "transform, nothing cached" "env HOSTDEV_NO_CACHE=1 $transform" \
    -n "xmllint --format" "xmllint --format $work/domain.xml" \
    -n "parser floor" "$floor transform $work/domain.xml --vm-create $work/gpu.json --snapshot $host --no-schema" \
    -n "list --snapshot (1000 devices)" "$hostdev list --snapshot $work/host1000/host.xml --format json" \
    -n "xmllint --noout (1000 devices)" "xmllint --noout $work/host1000/host.xml" \
    -n "list --sysfs (1000 devices)" "$hostdev list --sysfs $work/host1000/root --format json" >/dev/null
hyperfine -w 1 -r 10 --export-json "$work/v.json" \
    -n "virt-xml --add-device --host-device" \
    "virt-xml --connect test://$host --add-device --host-device pci_0000_01_00_0 --host-device pci_0000_01_00_1 <$work/domain.xml" >/dev/null

python3 - "$work/a.json" "$work/v.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"] + json.load(open(sys.argv[2]))["results"]
m = {r["command"]: r["median"] for r in results}
virt_xml = m["virt-xml --add-device --host-device"]
rows = [
    # (work, hostdev command, reference command, ratio, printed ratio, goal, holds)
    ("transform, schema check on", "transform (schema check on)", "virt-xml --add-device --host-device",
     virt_xml / m["transform (schema check on)"], "x faster", ">= 25x faster", lambda r: r >= 25),
    ("transform --no-schema", "transform --no-schema", "xmllint --format",
     m["transform --no-schema"] / m["xmllint --format"], "x", "<= 2x", lambda r: r <= 2),
    ("list --snapshot, 1000 devices", "list --snapshot (1000 devices)", "xmllint --noout (1000 devices)",
     m["list --snapshot (1000 devices)"] / m["xmllint --noout (1000 devices)"], "x", "<= 1.5x", lambda r: r <= 1.5),
    ("list --sysfs, 1000 devices", "list --sysfs (1000 devices)", "list --snapshot (1000 devices)",
     m["list --sysfs (1000 devices)"] / m["list --snapshot (1000 devices)"], "x", "<= 2x", lambda r: r <= 2),
]
print(f"{'work':32} {'hostdev':>9}  {'reference':38} {'ratio':>12}  {'goal':>14}  holds")
for work, ours, reference, ratio, unit, goal, holds in rows:
    print(f"{work:32} {m[ours]*1000:7.1f}ms  {reference[:28]:28} {m[reference]*1000:7.1f}ms {ratio:8.1f}{unit:<4} {goal:>14}  {'yes' if holds(ratio) else 'NO'}")
print()
print("also measured in the same run:")
floor, xf = m["parser floor"], m["xmllint --format"]
print(f"  {'parser floor':30} {floor*1000:7.1f}ms  (Benchmarks/ParserFloor: transform's arguments parsed by "
      f"swift-argument-parser, nothing done; {floor / xf:.1f}x xmllint --format, so the --no-schema goal "
      f"leaves {(2 * xf - floor)*1000:.1f}ms for the work, which takes "
      f"{(m['transform --no-schema'] - floor)*1000:.1f}ms)")
for name in ["transform --full-schema", "transform, nothing cached"]:
    print(f"  {name:30} {m[name]*1000:7.1f}ms  ({virt_xml / m[name]:.1f}x faster than virt-xml; "
          f"{(m[name] - m['transform (schema check on)'])*1000:.1f}ms more than the default)")
PY
echo "machine: $(nproc) cores of $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
