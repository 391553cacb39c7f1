import Foundation
import Testing

/// `make install DESTDIR=… PREFIX=/usr` of the built library (scripts/install.sh over the build
/// beside the test bundle), then the README's C and Python snippets compiled and run against it.
/// Not under a sanitizer: a sanitized library needs its runtime, which a plain C program or python3
/// does not load.
@Suite(.enabled(if: getenv("HOSTDEV_SANITIZER") == nil))
struct TheInstalledLibraryServesCAndPython {
    /// A staged installation under a scratch directory.
    struct Staged {
        var root: String

        /// The environment that finds the staged files: pkg-config, the loader, Python.
        var environment: String {
            "PKG_CONFIG_PATH='\(root)/usr/lib/pkgconfig' PKG_CONFIG_SYSROOT_DIR='\(root)' "
                + "LD_LIBRARY_PATH='\(root)/usr/lib' PYTHONPATH='\(root)/usr/lib/python3/dist-packages' "
                + "HOSTDEV_LIBRARY='\(root)/usr/lib/libhostdev.so.0'"
        }
    }

    static func withStagedInstall(_ body: (Staged) throws -> Void) throws {
        let build = (HostdevBinary.path as NSString).deletingLastPathComponent
        try withScratchDirectory("install") { directory in
            let log = HostdevBinary.shell(
                "DESTDIR='\(directory)' PREFIX=/usr bash '\(Repository.root)/scripts/install.sh' '\(build)' 2>&1; echo status=$?"
            )
            try #require(log.hasSuffix("status=0\n"), "install.sh: \(log)")
            try body(Staged(root: directory))
        }
    }

    /// The README's first fenced block in `language`.
    static func readmeSnippet(_ language: String) throws -> String {
        let readme = try #require(readFile(Repository.root + "/README.md"))
        let start = try #require(readme.range(of: "\n```\(language)\n"))
        let end = try #require(readme.range(of: "\n```\n", range: start.upperBound..<readme.endIndex))
        return String(readme[start.upperBound..<end.lowerBound]) + "\n"
    }

    static var python: String {
        access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3"
    }

    /// Runs a Python script from the repository root against a staged installation.
    static func runPython(_ script: String, label: String) throws -> String {
        var output = ""
        try withStagedInstall { staged in
            try withScratchDirectory(label) { directory in
                try script.write(toFile: directory + "/script.py")
                output = HostdevBinary.shell(
                    "cd '\(Repository.root)' && \(staged.environment) \(python) '\(directory)/script.py' 2>&1")
            }
        }
        return output
    }

    @Test func theREADMEsCCallerBuildsWithPkgConfigAndGetsARefusalAsData() throws {
        let source = try Self.readmeSnippet("c")
        try Self.withStagedInstall { staged in
            try withScratchDirectory("c-caller") { directory in
                try source.write(toFile: directory + "/caller.c")
                let build = HostdevBinary.shell(
                    "\(staged.environment) $(command -v cc || command -v clang) '\(directory)/caller.c' $(\(staged.environment) pkg-config --cflags --libs hostdev) "
                        + "-o '\(directory)/caller' 2>&1; echo status=$?")
                try #require(build.hasSuffix("status=0\n"), "cc: \(build)")
                let run = "cd '\(Repository.root)' && \(staged.environment) '\(directory)/caller'"
                let refused = HostdevBinary.shell("\(run) 2>&1 >/dev/null; echo status=$?")
                #expect(refused.contains("\"rule\" : \"iommu-group-incomplete\""))
                #expect(refused.hasSuffix("status=1\n"))
                let done = HostdevBinary.shell("\(run) '{\"includeGroup\": true}' 2>/dev/null; echo status=$?")
                #expect(done.hasSuffix("status=0\n"))
                #expect(done.contains("function=\"0x1\"") && done.contains("migratable=\"no\""))
            }
        }
    }

    @Test func theREADMEsPythonGetsARefusalAsDataThenTheDomain() throws {
        let output = try Self.runPython(try Self.readmeSnippet("python"), label: "python")
        let lines = output.split(separator: "\n").map(String.init)
        try #require(lines.count > 4, "python: \(output)")
        #expect(lines[0] == "False")
        #expect(lines[1].hasPrefix("error iommu-group-incomplete devices[0]: IOMMU group 1 is incomplete"))
        #expect(lines[2] == "True ['pci_0000_01_00_0', 'pci_0000_01_00_1']")
        #expect(lines[3].hasPrefix("<domain"))
    }

    @Test func thePythonModuleRaisesForBadInputAndAFailingHostAndListsDevices() throws {
        let script = """
            import hostdev
            try:
                hostdev.transform("<domain", None)
            except hostdev.InputError as error:
                print("input", error.code, isinstance(error, ValueError))
            try:
                hostdev.list_devices(snapshot="/nonexistent/host.xml")
            except hostdev.HostError as error:
                print("host", error.code)
            try:
                hostdev.transform(None, {}, snapshot="a.xml", sysfs="/")
            except hostdev.InputError as error:
                print("sources", error)
            print(sorted(hostdev.list_devices(snapshot="Samples/hosts/sample-host.xml", domain="nfv-router")))
            result = hostdev.lint(open("Tests/Fixtures/lint/managed-yes.xml").read(), select=["managed-yes"])
            print(result.ok, [d["rule"] for d in result.diagnostics], result.diagnostics[0]["line"] > 0)
            print(hostdev.version() == hostdev.__version__)

            """
        let output = try Self.runPython(script, label: "python-errors")
        #expect(
            output == """
                input 2 True
                host 3
                sources give one of snapshot, sysfs, uri, not several
                ['pci_0000_03_10_0']
                True ['managed-yes'] True
                True

                """)
    }

    @Test func thePythonModuleRefusesWhatCWouldCutShortOrTakeForNoHost() throws {
        let script = #"""
            import pathlib
            import hostdev

            snapshot = "Samples/hosts/sample-host.xml"
            domain = open("Tests/Fixtures/lint/managed-yes.xml").read()

            def attempt(label, call):
                try:
                    call()
                    print(label, "accepted")
                except hostdev.InputError as error:
                    print(label, error.code, str(error).split(";")[0])

            one = hostdev.list_devices(snapshot=snapshot, capabilities="usb_device")
            print(sorted(one) == sorted(hostdev.list_devices(snapshot=snapshot, capabilities=["usb_device"])), len(one) > 0)
            print(hostdev.lint(domain, schema=False, select="managed-yes").diagnostics[0]["rule"])
            attempt("capability", lambda: hostdev.list_devices(snapshot=snapshot, capabilities=["bogus"]))
            attempt("snapshot-nul", lambda: hostdev.list_devices(snapshot=snapshot + "\0.txt"))
            attempt("sysfs-nul", lambda: hostdev.lint(domain, sysfs="/\0x", schema=False))
            attempt("uri-nul", lambda: hostdev.lint(domain, uri="test:///default\0x", schema=False))
            attempt("xml-nul", lambda: hostdev.lint(domain + "\0<junk", schema=False))
            attempt("xml-bytes-nul", lambda: hostdev.lint(domain.encode() + b"\0<junk", schema=False))
            attempt("request-nul", lambda: hostdev.transform(None, '{"vmName": "a"}\0junk', schema=False))
            attempt("schemas-nul", lambda: hostdev.lint(domain, schemas="/usr\0/x"))
            attempt("sysfs-empty", lambda: hostdev.lint(domain, sysfs="", schema=False))
            attempt("snapshot-empty", lambda: hostdev.lint(domain, snapshot=b"", schema=False))
            attempt("uri-empty", lambda: hostdev.lint(domain, uri="", schema=False))
            attempt("not-utf8", lambda: hostdev.list_devices(snapshot=b"Samples/hosts/\xff.xml"))
            print(sorted(hostdev.list_devices(snapshot=snapshot.encode(), domain="nfv-router")))
            print(sorted(hostdev.list_devices(snapshot=pathlib.Path(snapshot), domain="nfv-router")))

            """#
        let output = try Self.runPython(script, label: "python-strings")
        #expect(
            output == """
                True True
                managed-yes
                capability 2 options: unknown capability 'bogus'
                snapshot-nul 2 snapshot contains a NUL character
                sysfs-nul 2 sysfs contains a NUL character
                uri-nul 2 uri contains a NUL character
                xml-nul 2 domain_xml contains a NUL character
                xml-bytes-nul 2 domain_xml contains a NUL character
                request-nul 2 request contains a NUL character
                schemas-nul 2 schemas contains a NUL character
                sysfs-empty 2 sysfs is empty: give a host, or leave it out for none (LIBVIRT_DEFAULT_URI when set)
                snapshot-empty 2 snapshot is empty: give a host, or leave it out for none (LIBVIRT_DEFAULT_URI when set)
                uri-empty 2 uri is empty: give a host, or leave it out for none (LIBVIRT_DEFAULT_URI when set)
                not-utf8 2 host is not valid UTF-8
                ['pci_0000_03_10_0']
                ['pci_0000_03_10_0']

                """)
    }
}
