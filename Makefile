# The README's commands: `make demo` runs the main job on the sample host, `make test` runs the tests.
SWIFT ?= swift
SAMPLE_HOST := $(CURDIR)/Samples/hosts/sample-host.xml
HOSTDEV := .build/debug/hostdev

PREFIX ?= /usr/local
# The shipping binary: optimized, with the Swift runtime linked in (no dynamic symbol binding of a
# dozen Swift libraries at every start; libxml2 and the C library stay shared, libvirt is loaded
# only when a connection is opened).
RELEASE_FLAGS := -c release --static-swift-stdlib --scratch-path .build-release
# The man pages of swift-argument-parser's generate-manual plugin (one per command).
MAN_DIR := .build/plugins/GenerateManual/outputs/hostdev

.PHONY: deps build demo test lint-format release install man test-install

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

demo: build
	@echo "== The sample host's PCI devices by IOMMU group (libvirt's in-process test driver) =="
	$(HOSTDEV) list --connect test://$(SAMPLE_HOST) --capability pci
	@echo
	@echo "== A vmCreate request for the GPU, checked, made non-migratable and defined =="
	$(HOSTDEV) define --new --vm-create Samples/vmcreate/gpu.json --connect test://$(SAMPLE_HOST) --print-xml

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) --no-print-directory test-install

release: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product hostdev
	$(SWIFT) build $(RELEASE_FLAGS) --product HostdevC
	$(SWIFT) build $(RELEASE_FLAGS) --product hostdev-throughput

man: deps
	$(SWIFT) package plugin generate-manual --multi-page --configuration debug

# Binary, library, header, pkg-config file, Python module, man pages and completions (DESTDIR honoured;
# LIBDIR, PYTHONDIR, ... as scripts/install.sh describes).
install: release man
	DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' bash scripts/install.sh .build-release/release $(MAN_DIR)

# `make install DESTDIR=... PREFIX=/usr` of the debug build (the tests' build), checked file by file.
test-install: man
	bash scripts/check-install.sh .build/debug $(MAN_DIR)

lint-format:
	$(SWIFT) format lint --strict -r Sources Tests

# Fuzzing (libFuzzer through Swift's -sanitize=fuzzer) and sanitizers; not part of `make test`.
FUZZ_TARGET ?= xml
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := --scratch-path .build-fuzz --product hostdev-fuzz -Xswiftc -sanitize=fuzzer,address \
	-Xswiftc -DFUZZING -Xcc -fsanitize=fuzzer-no-link,address -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld

.PHONY: fuzz-build fuzz fuzz-all test-sanitize test-asan test-tsan test-leaks

fuzz-build: deps
	$(SWIFT) build $(FUZZ_FLAGS)

# make fuzz FUZZ_TARGET=xml FUZZ_SECONDS=600; crashes land in .fuzz/crashes/ (add them to Tests/Fixtures/fuzz/).
fuzz: fuzz-build
	@bash scripts/fuzz-seeds.sh $(FUZZ_TARGET) .fuzz/corpus/$(FUZZ_TARGET)
	@mkdir -p .fuzz/crashes
	HOSTDEV_FUZZ_TARGET=$(FUZZ_TARGET) .build-fuzz/debug/hostdev-fuzz -max_total_time=$(FUZZ_SECONDS) \
		-max_len=65536 -timeout=5 -rss_limit_mb=2048 -artifact_prefix=.fuzz/crashes/$(FUZZ_TARGET)- \
		.fuzz/corpus/$(FUZZ_TARGET)

FUZZ_TARGETS := xml names vmcreate transform explain snapshot

fuzz-all: fuzz-build
	@for target in $(FUZZ_TARGETS); do \
		$(MAKE) --no-print-directory fuzz FUZZ_TARGET=$$target FUZZ_SECONDS=$(FUZZ_SECONDS) || exit 1; \
	done

test-sanitize: test-asan test-tsan test-leaks

test-asan: deps
	HOSTDEV_SANITIZER=address LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp $(SWIFT) test --scratch-path .build-asan --sanitize=address

# ThreadSanitizer's lock-order checker (detect_deadlocks) is off: with it, the runtime itself can
# stop making progress inside its own locks under this suite (seen in the sysfs link-swapping test,
# every thread waiting in the runtime). hostdev never holds two of its locks at once.
TSAN_OPTIONS ?= detect_deadlocks=0
test-tsan: deps
	TSAN_OPTIONS='$(TSAN_OPTIONS)' HOSTDEV_SANITIZER=thread $(SWIFT) test --scratch-path .build-tsan --sanitize=thread

test-leaks: deps
	bash scripts/leak-check.sh
