#!/usr/bin/env bash
# Seeds a fuzz corpus folder from Samples/ and the saved regression inputs: fuzz-seeds.sh TARGET DIR
set -euo pipefail
target=$1
corpus=$2
mkdir -p "$corpus"
case "$target" in
    xml | transform) find Samples -name '*.xml' -exec cp {} "$corpus"/ \; ;;
    vmcreate) find Samples -name '*.json' -exec cp {} "$corpus"/ \; ;;
    explain) cp Tests/Fixtures/explain/*.log "$corpus"/ ;;
    snapshot) cp Samples/hosts/*.xml "$corpus"/ ;;
    *) [ -d "Samples/fuzz/$target" ] && cp Samples/fuzz/"$target"/* "$corpus"/ ;;
esac
[ -d "Tests/Fixtures/fuzz/$target" ] && cp Tests/Fixtures/fuzz/"$target"/* "$corpus"/ || true
