#!/usr/bin/env bash
# Round trip over libvirt's own domain XML: `hostdev transform` with no device requested must leave
# every file byte for byte as it was, apart from the non-migratable marker (one added line, and a
# <metadata> around it where there was none) on domains that already hold host devices.
#
#   Conformance/transform-roundtrip.sh [DOMAINS_DIR]   (default: ../shared/corpus/libvirt-9.0.0/domains)
set -uo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/libvirt-9.0.0/domains}
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
swift build --product hostdev >/dev/null || exit 2
hostdev=$PWD/.build/debug/hostdev
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

total=0 identical=0 marked=0 differ=0 refused=0
for file in "$corpus"/*.xml; do
    total=$((total + 1))
    if ! "$hostdev" transform "$file" --no-schema >"$work/out.xml" 2>"$work/err"; then
        refused=$((refused + 1))
        echo "refused: $file: $(head -1 "$work/err")"
        continue
    fi
    if cmp -s "$file" "$work/out.xml"; then
        identical=$((identical + 1))
        continue
    fi
    # The only change allowed: the marker, on a domain with host devices.
    python3 - "$work/out.xml" "$work/stripped.xml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r'\n\s*<hostdev:passthrough xmlns:hostdev=["\']https://hostdev.dev/xmlns/passthrough/1.0["\'] migratable=["\']no["\']/>', '', text)
text = re.sub(r'\n\s*<metadata>\s*</metadata>', '', text)
open(sys.argv[2], "w").write(text)
PY
    if cmp -s "$file" "$work/stripped.xml" && grep -q "<hostdev\|type=.hostdev." "$file"; then
        marked=$((marked + 1))
    else
        differ=$((differ + 1))
        echo "differs: $file"
    fi
done
echo "$total files: $identical byte-identical, $marked byte-identical but for the added marker (they hold host devices), $differ different, $refused refused"
[ "$differ" -eq 0 ] && [ "$refused" -eq 0 ]
