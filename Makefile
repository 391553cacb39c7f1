# The README's commands: `make demo` runs the main job on the sample host, `make test` runs the tests.
SWIFT ?= swift
SAMPLE_HOST := $(CURDIR)/Samples/hosts/sample-host.xml
HOSTDEV := .build/debug/hostdev

.PHONY: deps build demo test lint-format

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

demo: build
	@echo "== PCI devices of the sample host, by IOMMU group (libvirt test driver, in-process) =="
	$(HOSTDEV) list --connect test://$(SAMPLE_HOST) --capability pci

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

lint-format:
	$(SWIFT) format lint --strict -r Sources Tests
