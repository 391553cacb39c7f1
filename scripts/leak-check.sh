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
vdsm=$PWD/Samples/hosts/vdsm-host.xml
run transform --new --vm-create Samples/vmcreate/nfv-vf.json --snapshot "$vdsm"
run transform --new --vm-create Samples/vmcreate/vgpu.json --snapshot "$vdsm"
run list --snapshot "$vdsm" --capability mdev_types --format json
run lint --list-rules
run reattach pci_0000_01_00_0 --connect "test://$host" --dry-run
printf '<domain type="kvm"><name>plain</name></domain>' >"$work/plain.xml"
"$bin" hook plain prepare begin - --sysfs "$work" <"$work/plain.xml" >/dev/null 2>"$work/err"
grep -q "Sanitizer" "$work/err" && { echo "LEAK or memory error: hostdev hook"; failures=$((failures + 1)); } \
    || echo "clean: hostdev hook plain prepare begin -"
echo "$failures command(s) with leaks or memory errors"
[ "$failures" -eq 0 ]
