#!/usr/bin/env bash
# Every benchmark, in one go: the speed goals, the transform, the linter and the inventory, each
# against a named peer measured in the same run (ratios, not absolute times), then the machine.
#
#   Benchmarks/run.sh [CORPUS_DIR]   (default: ../shared/corpus/libvirt-9.0.0; lint is skipped without it)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/libvirt-9.0.0}
if [ $# -gt 0 ] && [ ! -d "$corpus/domains" ]; then
    echo "Benchmarks/run.sh: $corpus/domains: no such directory (CORPUS_DIR holds domains/, domain XML files such as libvirt's tests/qemuxml2xmloutdata)" >&2
    exit 2
fi
echo "== goals (issue 16) =="
bash Benchmarks/goals.sh
echo
echo "== instructions (callgrind) =="
bash Benchmarks/instructions.sh
echo
echo "== transform =="
bash Benchmarks/transform.sh
echo
if [ -d "$corpus/domains" ]; then
    echo "== lint =="
    bash Benchmarks/lint.sh "$corpus/domains" 2>&1 | grep -v "Warning: Ignoring non-zero exit code" | grep -v '^ *$'
    echo
else
    echo "== lint == skipped: no corpus at $corpus (Benchmarks/run.sh CORPUS_DIR)"
    echo
fi
echo "== inventory =="
bash Benchmarks/inventory.sh 750 1500 3000 6000
echo
echo "== machine =="
echo "$(nproc) cores of $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(. /etc/os-release && echo "$PRETTY_NAME"),"
echo "$(swift --version 2>/dev/null | head -1), libxml2 $(pkg-config --modversion libxml-2.0), libvirt $(pkg-config --modversion libvirt)"
