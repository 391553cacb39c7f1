#!/usr/bin/env bash
# LeakSanitizer over the CLI on the samples: every command, built with AddressSanitizer, must exit
# as usual and report no leak. (valgrind cannot read this toolchain's DWARF 5 debug information.)
set -uo pipefail
cd "$(dirname "$0")/.."
swift build --scratch-path .build-asan --sanitize=address --product hostdev >/dev/null || exit 2
bin=.build-asan/debug/hostdev
host=$PWD/Samples/hosts/sample-host.xml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp
failures=0
run() {
    "$bin" "$@" >/dev/null 2>"$work/err"
    if grep -q "LeakSanitizer\|AddressSanitizer" "$work/err"; then
        echo "LEAK or memory error: hostdev $*"
        grep -A12 "Sanitizer" "$work/err" | head -20
        failures=$((failures + 1))
    else
        echo "clean: hostdev $*"
    fi
}
run list --connect "test://$host"
run list --snapshot "$host" --format json
run list --sysfs /
run caps --connect "test://$host" --format json
run detach pci_0000_01_00_0 --connect "test://$host"
run snapshot --connect "test://$host" -o "$work/snapshot.xml"
run transform Samples/domains/web-server.xml --vm-create Samples/vmcreate/gpu.json --snapshot "$host"
run transform Samples/domains/web-server.xml --vm-create Samples/vmcreate/refused.json --snapshot "$host"
run define --new --vm-create Samples/vmcreate/gpu.json --connect "test://$host" --print-xml
run lint Tests/Fixtures/lint --snapshot "$host" --format sarif
run doctor --snapshot "$host"
run explain Tests/Fixtures/explain/libvirt-errors.log --snapshot "$host"
echo "$failures command(s) with leaks or memory errors"
[ "$failures" -eq 0 ]
