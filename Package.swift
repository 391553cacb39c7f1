// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "hostdev",
    products: [
        .library(name: "Hostdev", targets: ["Hostdev"]),
        .library(name: "LibXML", targets: ["LibXML"]),
        .library(name: "Libvirt", targets: ["Libvirt"]),
        .executable(name: "hostdev", targets: ["hostdev"]),
        .executable(name: "hostdev-fuzz", targets: ["HostdevFuzz"]),
        // libhostdev.so.0 (built as libHostdevC.so, installed under its soname by `make install`): the C
        // interface of Sources/HostdevC/include/hostdev.h, for C, Python (ctypes), Go, ….
        .library(name: "HostdevC", type: .dynamic, targets: ["HostdevC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // libvirt's headers (from libvirt-dev) and a loader that dlopens libvirt.so.0 on first use.
        .target(name: "CLibvirt", linkerSettings: [.linkedLibrary("dl")]),
        // <sys/xattr.h>, which the Glibc module does not export (in-place edits keep extended attributes).
        .systemLibrary(name: "CXattr"),
        .target(name: "LibXML", dependencies: ["CLibXML2"]),
        .target(name: "Libvirt", dependencies: ["CLibvirt"]),
        .target(name: "Hostdev", dependencies: ["LibXML", "Libvirt", "CXattr"]),
        .target(
            name: "HostdevC", dependencies: ["Hostdev", "LibXML"], exclude: ["include", "exports.map"],
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "-soname=libhostdev.so.0"]),
                // The shipped library carries the Swift runtime (SwiftPM's --static-swift-stdlib
                // covers executables only) and exports only hostdev.h's functions; debug builds use
                // the toolchain's runtime, as the tests do.
                .unsafeFlags(
                    [
                        "-static-stdlib", "-Xlinker",
                        "--version-script=\(Context.packageDirectory)/Sources/HostdevC/exports.map",
                    ], .when(configuration: .release)),
            ]),
        .executableTarget(
            name: "hostdev",
            dependencies: [
                "Hostdev",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libFuzzer targets (built with -sanitize=fuzzer -DFUZZING by `make fuzz`); a replay tool otherwise.
        .target(name: "CFuzzSupport"),
        .executableTarget(name: "HostdevFuzz", dependencies: ["Hostdev", "LibXML", "CFuzzSupport"]),
        // The library transform's throughput, for Benchmarks/run.sh.
        .executableTarget(name: "hostdev-throughput", dependencies: ["Hostdev", "LibXML"], path: "Benchmarks/Throughput"),
        // A swift-argument-parser command that parses transform's arguments and does nothing: the
        // floor of every process, for Benchmarks/goals.sh.
        .executableTarget(
            name: "hostdev-parser-floor",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/ParserFloor"),
        // The schema check of the elements written against the whole-domain check, for Conformance/schema-check.sh.
        .executableTarget(
            name: "hostdev-schema-conformance", dependencies: ["Hostdev", "LibXML"], path: "Conformance/SchemaCheck"),
        .testTarget(name: "LibXMLTests", dependencies: ["LibXML"]),
        .testTarget(name: "LibvirtTests", dependencies: ["Libvirt"]),
        .testTarget(name: "HostdevTests", dependencies: ["Hostdev", "HostdevC", "CXattr"]),
    ],
    swiftLanguageModes: [.v6]
)
