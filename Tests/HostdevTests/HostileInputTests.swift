import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Hostile XML through a real entry point (`list --snapshot`), in a child process bounded in time
/// (`timeout`) and memory (`ulimit -v`): refused with a clear error, a non-zero exit, nothing on
/// stdout, and no byte of a file an entity points at anywhere in the output.
@Suite("Hostile XML input")
struct HostileInputTests {
    static let secret = "TOP-SECRET-\(UInt32.random(in: 0...UInt32.max))"

    /// Writes `content` to a fresh file and runs `hostdev list --snapshot FILE` on it, bounded.
    static func listSnapshot(_ content: [UInt8]) -> (result: CommandResult, path: String) {
        withScratchDirectory("hostile") { directory in
            let path = directory + "/host.xml"
            let file = fopen(path, "wb")!
            _ = content.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
            try? (secret + "\n").write(toFile: directory + "/secret.txt")
            // Sanitizer builds reserve terabytes of address space for shadow memory: no -v bound for them.
            let bound = getenv("HOSTDEV_SANITIZER") == nil ? "ulimit -v 4000000; " : ""
            let output = HostdevBinary.shell(
                bound + "timeout -s KILL 20 '\(HostdevBinary.path)' list --snapshot '\(path)' "
                    + ">'\(directory)/out' 2>'\(directory)/err'; echo $?")
            let status = Int32(output.split(separator: "\n").last.map(String.init) ?? "") ?? -1
            let result = CommandResult(
                status: status, stdout: readFile(directory + "/out") ?? "", stderr: readFile(directory + "/err") ?? "")
            return (result, path)
        }
    }

    static func listSnapshot(_ text: String) -> (result: CommandResult, path: String) {
        listSnapshot(Array(text.utf8))
    }

    static func expectRefused(_ run: (result: CommandResult, path: String), mentioning words: [String] = []) {
        #expect(run.result.status != 0 && run.result.status != 124, "exit \(run.result.status)")
        #expect(run.result.stdout.isEmpty)
        #expect(run.result.stderr.contains(run.path), "\(run.result.stderr)")
        #expect(!run.result.stderr.contains(secret) && !run.result.stdout.contains(secret))
        for word in words { #expect(run.result.stderr.contains(word), "\(run.result.stderr)") }
    }

    @Test func externalEntityToALocalFileIsRefusedUnread() {
        let text = """
            <?xml version="1.0"?>
            <!DOCTYPE node [<!ENTITY leak SYSTEM "file://SECRET">]>
            <node><device><name>&leak;</name></device></node>
            """
        let run = Self.listSnapshot(text.replacingOccurrences("SECRET", "/etc/passwd"))
        Self.expectRefused(run, mentioning: ["DOCTYPE", ":2:"])
        #expect(!run.result.stderr.contains("root:x:0"))
    }

    @Test func anEntityInADomainGivenToTransformInPlaceLeavesTheFileUntouched() throws {
        try withScratchDirectory("hostile-domain") { directory in
            try (Self.secret + "\n").write(toFile: directory + "/secret.txt")
            let path = directory + "/domain.xml"
            let original = """
                <!DOCTYPE domain [<!ENTITY leak SYSTEM "file://\(directory)/secret.txt">]>
                <domain type='kvm'><name>&leak;</name><memory>1024</memory><os><type>hvm</type></os></domain>

                """
            try original.write(toFile: path)
            let result = HostdevBinary.run(
                [
                    "transform", path, "--in-place", "--vm-create", Repository.root + "/Samples/vmcreate/gpu.json",
                    "--snapshot", Repository.sampleHost,
                ])
            Self.expectRefused((result, path), mentioning: ["DOCTYPE", ":1:"])
            #expect(readFile(path) == original)
            #expect(HostdevBinary.shell("ls -A '\(directory)'") == "domain.xml\nsecret.txt\n")
        }
    }

    @Test func externalDTDIsRefused() {
        Self.expectRefused(
            Self.listSnapshot("<!DOCTYPE node SYSTEM \"http://example.com/evil.dtd\"><node/>"), mentioning: ["DOCTYPE"])
    }

    @Test func parameterEntitiesAreRefused() {
        let text = """
            <!DOCTYPE node [<!ENTITY % remote SYSTEM "file:///etc/passwd"> %remote;]>
            <node/>
            """
        Self.expectRefused(Self.listSnapshot(text), mentioning: ["DOCTYPE"])
    }

    @Test func billionLaughsIsRefused() {
        var text = "<!DOCTYPE node [<!ENTITY a \"aaaaaaaaaa\">"
        var previous = "a"
        for level in 1...12 {
            let name = "a\(level)"
            text += "<!ENTITY \(name) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
            previous = name
        }
        text += "]><node>&\(previous);</node>"
        Self.expectRefused(Self.listSnapshot(text), mentioning: ["DOCTYPE"])
    }

    @Test func quadraticBlowupIsRefused() {
        let entity = String(repeating: "x", count: 100_000)
        let text =
            "<!DOCTYPE node [<!ENTITY x \"\(entity)\">]><node>" + String(repeating: "&x;", count: 100_000) + "</node>"
        Self.expectRefused(Self.listSnapshot(text), mentioning: ["DOCTYPE"])
    }

    @Test func deepNestingIsRefused() {
        let depth = 100_000
        let text =
            "<node>" + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth) + "</node>"
        Self.expectRefused(Self.listSnapshot(text))
    }

    @Test func hugeFileIsRefusedBeforeParsing() {
        var bytes = Array("<node>".utf8)
        bytes.append(contentsOf: [UInt8](repeating: UInt8(ascii: " "), count: 200 << 20))
        bytes.append(contentsOf: Array("</node>".utf8))
        Self.expectRefused(Self.listSnapshot(bytes), mentioning: ["MiB limit"])
    }

    @Test func invalidUTF8IsRefusedWithAPosition() {
        var bytes = Array("<node>\n  <device><name>".utf8)
        bytes.append(contentsOf: [0xC3, 0x28])
        bytes.append(contentsOf: Array("</name></device>\n</node>".utf8))
        Self.expectRefused(Self.listSnapshot(bytes), mentioning: [":2:"])
    }

    @Test func nulByteIsRefused() {
        Self.expectRefused(Self.listSnapshot(Array("<node>\n<device>\u{0}</device></node>".utf8)))
    }

    @Test func duplicatedAttributesAreRefused() {
        Self.expectRefused(Self.listSnapshot("<node>\n  <device a='1' a='2'/>\n</node>"), mentioning: [":2:"])
    }

    @Test func byteOrderMarkIsAccepted() {
        let run = Self.listSnapshot(
            [0xEF, 0xBB, 0xBF]
                + Array("<node>\n  <device><name>computer</name><capability type='system'/></device>\n</node>".utf8))
        #expect(run.result.status == 0, "\(run.result.stderr)")
        #expect(run.result.stdout.contains("computer"))
    }

    @Test(arguments: [
        ("<bus>0x1ff</bus>", "bus"), ("<bus>-1</bus>", "bus"), ("<bus>18446744073709551617</bus>", "bus"),
        ("<bus>1</bus><function>8</function>", "function"),
    ])
    func pciNumbersOutOfRangeAreRefused(fragment: String, component: String) {
        var capability = "<domain>0</domain><bus>1</bus><slot>0</slot><function>0</function>"
        if fragment.contains("<function>") {
            capability =
                "<domain>0</domain>" + fragment.replacingOccurrences("<bus>1</bus>", "<bus>1</bus><slot>0</slot>")
        } else {
            capability = capability.replacingOccurrences("<bus>1</bus>", fragment)
        }
        let text = """
            <node>
              <device>
                <name>pci_0000_01_00_0</name>
                <capability type='pci'>\(capability)</capability>
              </device>
            </node>
            """
        Self.expectRefused(Self.listSnapshot(text), mentioning: [component, ":4:"])
    }
}
