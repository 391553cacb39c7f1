#!/usr/bin/env bash
# The linter against the tools people use now, on the same files in one run:
#   hostdev lint (schema only, and every rule), xmllint --relaxng over all files in ONE process (the
#   floor: libxml2 alone), and virt-xml-validate once per file (what people run today).
# Prints wall times (medians), the ratios, and the schema-verdict agreement with xmllint per file.
#
#   Benchmarks/lint.sh [DOMAINS_DIR]   (default: ../shared/corpus/libvirt-9.0.0/domains)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$(cd "${1:-../shared/corpus/libvirt-9.0.0/domains}" && pwd)
schema=/usr/share/libvirt/schemas/domain.rng
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
command -v xmllint >/dev/null || apt-get install -y -qq libxml2-utils >/dev/null
command -v virt-xml-validate >/dev/null || apt-get install -y -qq libvirt-clients >/dev/null
make --no-print-directory release >/dev/null
hostdev=$PWD/.build-release/release/hostdev
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
files=("$corpus"/*.xml)
printf '%s\n' "${files[@]}" >"$work/files"

# Verdict agreement, file by file.
xmllint --noout --relaxng "$schema" "${files[@]}" 2>"$work/xmllint.out" || true
"$hostdev" lint --select schema,xml --format json "${files[@]}" >"$work/hostdev.json" || true
python3 - "$work/xmllint.out" "$work/hostdev.json" "$work/files" <<'PY'
import json, sys
xmllint = {}
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.endswith(" validates"): xmllint[line[: -len(" validates")]] = True
    elif line.endswith(" fails to validate"): xmllint[line[: -len(" fails to validate")]] = False
report = json.load(open(sys.argv[2]))
failing = {d["file"] for d in report["diagnostics"] if d["severity"] == "error"}
files = [f.strip() for f in open(sys.argv[3])]
agree = sum(1 for f in files if xmllint.get(f) == (f not in failing))
invalid = sum(1 for f in files if xmllint.get(f) is False)
print(f"schema verdicts: {agree}/{len(files)} files agree with xmllint ({invalid} invalid by both)")
for f in files:
    if xmllint.get(f) != (f not in failing): print("  disagree:", f)
PY

hyperfine -N -w 2 -r 10 --export-json "$work/fast.json" \
    -n "hostdev lint --select schema" "$hostdev lint --select schema --format json $corpus" \
    -n "hostdev lint (all rules)" "$hostdev lint --format json $corpus" \
    -n "xmllint --relaxng (one process)" "xmllint --noout --relaxng $schema ${files[*]}" -i >/dev/null
hyperfine -w 0 -r 1 --export-json "$work/slow.json" \
    -n "virt-xml-validate per file" "xargs -a $work/files -n 1 virt-xml-validate >/dev/null 2>&1" -i >/dev/null
python3 - "$work/fast.json" "$work/slow.json" "${#files[@]}" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"] + json.load(open(sys.argv[2]))["results"]
floor = next(r["median"] for r in results if r["command"].startswith("xmllint"))
slow = next(r["median"] for r in results if r["command"].startswith("virt-xml"))
print(f"\n{sys.argv[3]} domain files")
print(f"{'command':34} {'median':>10} {'vs xmllint':>11} {'vs virt-xml-validate':>21}")
for r in results:
    print(f"{r['command']:34} {r['median']*1000:8.1f}ms {r['median']/floor:10.2f}x {slow/r['median']:19.1f}x faster")
PY
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(xmllint --version 2>&1 | head -1)"
