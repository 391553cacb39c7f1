#!/usr/bin/env bash
# Instruction counts (valgrind --tool=callgrind) of the goal rows' whole processes, on the release
# build: unlike wall times they do not move with the machine's load, so they show where the time
# goes and what a change saved. Also what swift-argument-parser costs before run().
# (valgrind cannot read the debug information of the static release binary: it runs a copy
# without it, symbols kept.)
#
#   Benchmarks/instructions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || apt-get install -y -qq valgrind >/dev/null
command -v xmllint >/dev/null || apt-get install -y -qq libxml2-utils >/dev/null
make --no-print-directory release >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME=$work/cache
strip --strip-debug -o "$work/hostdev" .build-release/release/hostdev
hostdev=$work/hostdev
host=$PWD/Samples/hosts/sample-host.xml
sed '1,3d' Samples/domains/web-server.xml >"$work/domain.xml"
echo '[{"type": "hostdev", "device": "pci_0000_01_00_0"}, {"type": "hostdev", "device": "pci_0000_01_00_1"}]' >"$work/gpu.json"
python3 Benchmarks/generate-host.py 1000 "$work/host1000" >/dev/null

count() { # NAME COMMAND... -> prints the instruction count; keeps the profile as $work/NAME.out
    local name=$1
    shift
    valgrind --tool=callgrind --callgrind-out-file="$work/$name.out" "$@" >/dev/null 2>"$work/$name.err" || true
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/$name.err"
}
# Inclusive instructions of the first function whose mangled name contains PATTERN in a profile.
inclusive() {
    callgrind_annotate --inclusive=yes "$work/$1.out" >"$work/$1.txt" 2>/dev/null
    grep -m1 -- "$2" "$work/$1.txt" | awk '{gsub(",", "", $1); print $1}'
}
transform="$hostdev transform $work/domain.xml --vm-create $work/gpu.json --snapshot $host"
printf '%-44s %14s\n' "whole process" "instructions"
# The first run (nothing cached) writes the reduced grammar that the default row then reads.
for row in "transform, nothing cached|cold|$transform" "transform (schema check on)|def|$transform" "transform --full-schema|full|$transform --full-schema" \
    "transform --no-schema|nos|$transform --no-schema" "xmllint --format|xf|xmllint --format $work/domain.xml" \
    "hostdev --version|ver|$hostdev --version" \
    "list --snapshot (1000 devices)|snap|$hostdev list --snapshot $work/host1000/host.xml" \
    "list --snapshot --format json (1000 devices)|snapj|$hostdev list --snapshot $work/host1000/host.xml --format json" \
    "xmllint --noout (1000 devices)|xn|xmllint --noout $work/host1000/host.xml"; do
    IFS='|' read -r label name command <<<"$row"
    # shellcheck disable=SC2086
    printf '%-44s %14d\n' "$label" "$(count "$name" $command)"
done
echo
total=$(count nos2 $transform --no-schema)
parse=$(inclusive nos2 'ParsableCommandPAAE11parseAsRoot')
echo "swift-argument-parser before run(), transform --no-schema: $parse of $total instructions ($((100 * parse / total))%)"
scan=$(inclusive cold 'RelaxNGGrammarIndexV10contentsOf')
compile=$(inclusive def 'RelaxNGSchemaC7grammar4name')
echo "schema check of the elements written: $scan indexing domain.rng and its includes (nothing cached), $compile compiling the reduced grammar (every run)"
