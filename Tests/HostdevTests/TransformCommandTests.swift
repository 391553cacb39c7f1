import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `hostdev transform` and `define` end to end, with golden outputs in Tests/Golden/transform/.
@Suite("hostdev transform and define, end to end")
struct TransformCommandTests {
    static let samples = Repository.root + "/Samples"
    static let host = ["--snapshot", Repository.sampleHost]

    /// Runs from the repository root so messages name files relative to it, as a user sees them.
    static func run(_ arguments: [String], stdin: String = "") -> CommandResult {
        HostdevBinary.run(arguments, stdin: stdin, directory: Repository.root)
    }

    @Test(arguments: [
        ("gpu-on-web-server", ["Samples/domains/web-server.xml", "--vm-create", "Samples/vmcreate/gpu.json"]),
        ("placeholder", ["--new", "--vm-create", "Samples/vmcreate/gpu-placeholder.json"]),
        ("include-group", ["--new", "--vm-create", "Samples/vmcreate/gpu-only.json", "--include-group"]),
        ("usb-and-pci-domain-1", ["--new", "--vm-create", "Samples/vmcreate/usb-and-a100.json"]),
    ])
    func goldenOutputs(name: String, arguments: [String]) {
        let result = Self.run(["transform"] + arguments + ["--snapshot", "Samples/hosts/sample-host.xml"])
        #expect(result.status == 0, "\(result.stderr)")
        Golden.check(result.stdout, named: "transform/\(name).xml")
        Golden.check(result.stderr, named: "transform/\(name).stderr")
    }

    @Test(arguments: [
        ("refusals", ["Samples/domains/web-server.xml", "--vm-create", "Samples/vmcreate/refused.json"]),
        ("incomplete-group", ["--new", "--vm-create", "Samples/vmcreate/gpu-only.json"]),
        ("boot-order-conflict", ["Samples/domains/boot-dev.xml", "--vm-create", "Samples/vmcreate/gpu.json"]),
    ])
    func goldenRefusals(name: String, arguments: [String]) {
        let result = Self.run(["transform"] + arguments + ["--snapshot", "Samples/hosts/sample-host.xml"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        Golden.check(result.stderr, named: "transform/\(name).stderr")
    }

    @Test func onlyAddedLinesDifferFromTheInput() {
        let result = Self.run(
            ["transform", "Samples/domains/web-server.xml", "--vm-create", "Samples/vmcreate/gpu.json"] + Self.host)
        let input = (readFile(Self.samples + "/domains/web-server.xml") ?? "").split(
            separator: "\n", omittingEmptySubsequences: false)
        let output = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        // Every input line is still there, in order, byte for byte.
        var remaining = output[...]
        for line in input {
            guard let index = remaining.firstIndex(of: line) else {
                Issue.record("input line lost: \(line)")
                return
            }
            remaining = remaining[(index + 1)...]
        }
        #expect(output.count == input.count + 15)
    }

    @Test func readsTheDomainFromStandardInput() {
        let domain = readFile(Self.samples + "/domains/web-server.xml") ?? ""
        let fromFile = Self.run(
            ["transform", "Samples/domains/web-server.xml", "--vm-create", "Samples/vmcreate/gpu.json"] + Self.host)
        let fromStdin = Self.run(
            ["transform", "-", "--vm-create", "Samples/vmcreate/gpu.json"] + Self.host, stdin: domain)
        #expect(fromStdin.status == 0)
        #expect(fromStdin.stdout == fromFile.stdout)
    }

    @Test func reportJSONDescribesThePlan() {
        let result = Self.run(
            ["transform", "--new", "--vm-create", "Samples/vmcreate/gpu-placeholder.json", "--report", "json"]
                + Self.host)
        #expect(result.status == 0)
        #expect(result.stderr.contains("\"placeholders\" : [\n    \"pci_0000_01_00_1\""))
        #expect(result.stderr.contains("\"succeeded\" : true"))
    }

    @Test func devicesWithoutAHostSayWhichOptionToPass() {
        let result = Self.run(["transform", "--new", "--vm-create", "Samples/vmcreate/gpu.json"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("--connect URI, --sysfs ROOT or --snapshot FILE"))
    }

    @Test func malformedDomainNamesFileLineAndColumn() {
        let result = Self.run(["transform", "-"], stdin: "<domain>\n  <name>x</nam>\n</domain>\n")
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("-:2:"), "\(result.stderr)")
    }

    @Test(arguments: ["{\"devices\": [", "[1, 2", "{\"devices\": {}}", "\u{0}"])
    func badParametersAreBadInput(json: String) {
        let result = Self.run(["transform", "--new", "--vm-create", "-"] + Self.host, stdin: json)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("hostdev: -:"), "\(result.stderr)")
    }

    @Test func inPlaceReplacesAtomicallyAndKeepsPermissions() throws {
        try withScratchDirectory("inplace") { directory in
            let path = directory + "/web-server.xml"
            try (readFile(Self.samples + "/domains/web-server.xml") ?? "").write(toFile: path)
            chmod(path, 0o640)
            let result = Self.run(
                ["transform", path, "--in-place", "--vm-create", "Samples/vmcreate/gpu.json"] + Self.host)
            #expect(result.status == 0 && result.stdout.isEmpty)
            var info = stat()
            stat(path, &info)
            #expect(info.st_mode & 0o777 == 0o640)
            #expect(readFile(path)?.contains("<hostdev mode='subsystem' type='pci' managed='no'>") == true)
            #expect(HostdevBinary.shell("ls -A '\(directory)'") == "web-server.xml\n")
        }
    }

    @Test func refusedInPlaceLeavesTheFileUntouched() throws {
        try withScratchDirectory("inplace-refused") { directory in
            let path = directory + "/web-server.xml"
            let original = readFile(Self.samples + "/domains/web-server.xml") ?? ""
            try original.write(toFile: path)
            let result = Self.run(
                ["transform", path, "--in-place", "--vm-create", "Samples/vmcreate/refused.json"] + Self.host)
            #expect(result.status == 1)
            #expect(readFile(path) == original)
        }
    }

    @Test func defineOnTheTestDriverPrintsNameAndUUID() {
        let result = Self.run([
            "define", "--new", "--vm-create", "Samples/vmcreate/gpu.json", "--connect", Repository.sampleHostURI,
            "--print-xml",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.hasSuffix("defined gpu-workstation 3c2f7a9e-5b1d-4f6a-8e2c-9d0b1a2c3e4f\n"))
        // stdout is the document alone, so it can be redirected into a file.
        #expect(result.stdout.hasPrefix("<domain type='test'>\n"), "\(result.stdout)")
        #expect(result.stdout.hasSuffix("</domain>\n"))
        #expect(result.stdout.contains("<hostdev mode='subsystem' type='pci' managed='no'>"))
        let quiet = Self.run([
            "define", "--new", "--vm-create", "Samples/vmcreate/gpu.json", "--connect", Repository.sampleHostURI,
        ])
        #expect(quiet.status == 0 && quiet.stdout.isEmpty)
        #expect(quiet.stderr.contains("defined gpu-workstation"))
    }

    @Test func defineSaysWhatLintSaysOfTheSameDomain() throws {
        try withScratchDirectory("define-lint") { directory in
            let domain = """
                <domain type='test'>
                  <name>catalogue-nogroup</name>
                  <uuid>0b7d3c1e-2f4a-4c5d-8e6f-7a8b9c0d1e2f</uuid>
                  <memory unit='MiB'>512</memory>
                  <os><type>hvm</type></os>
                  <devices>
                    <hostdev mode='subsystem' type='pci' managed='no'>
                      <source><address domain='0x0000' bus='0x00' slot='0x16' function='0x0'/></source>
                    </hostdev>
                  </devices>
                </domain>

                """
            try domain.write(toFile: directory + "/nogroup.xml")
            let lint = Self.run([
                "lint", directory + "/nogroup.xml", "--connect", Repository.sampleHostURI, "--select", "not-assignable",
            ])
            let finding = "pci_0000_00_16_0 cannot be assigned: it has no IOMMU group, so vfio cannot assign it"
            #expect(lint.status == 1)
            #expect(lint.stdout.contains(directory + "/nogroup.xml:7:5: error: " + finding + " [not-assignable]"))
            let define = Self.run(["define", directory + "/nogroup.xml", "--connect", Repository.sampleHostURI])
            #expect(define.status == 1)
            #expect(define.stdout.isEmpty)
            #expect(define.stderr.contains(directory + "/nogroup.xml:7:5: error: " + finding + " [not-assignable]"))
            #expect(!define.stderr.contains("defined "))
        }
    }

    @Test func defineRefusesBeforeReachingLibvirt() {
        let result = Self.run([
            "define", "--new", "--vm-create", "Samples/vmcreate/gpu-only.json", "--connect", Repository.sampleHostURI,
        ])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("iommu-group-incomplete"))
    }
}
