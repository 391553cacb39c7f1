import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Input built to hang, to be slow, to be huge, to leak a file's content or to drive the terminal,
/// through the real binary in a child bounded in time and memory (``BoundedRun``).
@Suite("Hostile input to read: bounded, located, escaped")
struct HostileReadingTests {
    /// A domain whose devices are `count` copies of a `<hostdev>`, one per line.
    static func domain(hostdevs count: Int, in directory: String, named name: String = "domain.xml") {
        let hostdev =
            "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
            + "<address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>"
        BoundedRun.shell(
            "(printf '<domain type=\"kvm\">\\n<name>ioread</name><memory>1024</memory>"
                + "<os><type>hvm</type></os>\\n<devices>\\n'; yes \"  \(hostdev)\" | head -n \(count);"
                + " printf '</devices>\\n</domain>\\n') > \(name)", in: directory)
    }

    // MARK: - Files that are not files

    @Test func lintPassesOverANamedPipeInADirectoryWithoutBlocking() throws {
        try withScratchDirectory("fifo") { directory in
            mkdir(directory + "/domains", 0o700)
            #expect(mkfifo(directory + "/domains/a.xml", 0o600) == 0)
            try "<domain type='kvm'><name>b</name></domain>\n".write(toFile: directory + "/domains/b.xml")
            let result = BoundedRun.hostdev(["lint", "domains", "--select", "xml"], in: directory, seconds: 10)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("domains/a.xml: note: passed over: not a regular file (a named pipe)"))
            #expect(result.stdout.contains("2 files: 1 linted, 1 passed over (not a regular file)"))
        }
    }

    // MARK: - Positions, in one pass

    @Test func positionsOfFiftyThousandFindingsAreFound() throws {
        withScratchDirectory("positions") { directory in
            Self.domain(hostdevs: 50_000, in: directory)
            let result = BoundedRun.hostdev(
                ["lint", "domain.xml", "--select", "managed-yes"], in: directory, seconds: 60)
            #expect(result.status == 0, "\(result.stderr)")
            let findings = result.stdout.split(separator: "\n").filter { $0.hasSuffix("[managed-yes]") }
            #expect(findings.count == 50_000)
            #expect(findings.last?.hasPrefix("domain.xml:50003:3: warning:") == true)
        }
    }

    @Test func columnsOfSameNamedElementsOnOneLine() throws {
        try withScratchDirectory("columns") { directory in
            let hostdev =
                "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
                + "<address domain='0' bus='1' slot='0' function='FUNCTION'/></source></hostdev>"
            let items = (0..<3).map { hostdev.replacingOccurrences("FUNCTION", "\($0)") }
            let line = items.joined(separator: " ")
            // The third start tag spans two lines: its position is that of its `<`.
            let text =
                "<domain type='kvm'>\n  <name>x</name>\n  <devices>" + line
                + "<hostdev\n mode='subsystem' type='pci' managed='yes'><source>"
                + "<address domain='0' bus='1' slot='0' function='4'/></source></hostdev></devices>\n</domain>\n"
            try text.write(toFile: directory + "/domain.xml")
            let result = BoundedRun.hostdev(["lint", "domain.xml", "--select", "managed-yes"], in: directory)
            let columns = result.stdout.split(separator: "\n").filter { $0.hasSuffix("[managed-yes]") }.map {
                $0.split(separator: ":").dropFirst().prefix(2).joined(separator: ":")
            }
            let first = 12
            let expected = [0, 1, 2, 3].map { "3:\(first + $0 * items[0].count + min($0, 2))" }
            #expect(columns == expected, "\(result.stdout)")
        }
    }

    // MARK: - Bounded work

    @Test func anElementWithTwoHundredThousandAttributesIsRefusedAtOnce() throws {
        withScratchDirectory("attributes") { directory in
            BoundedRun.shell(
                "(printf '<domain type=\"kvm\">\\n<name '; seq -f 'a%g=\"1\"' 200000 | tr '\\n' ' ';"
                    + " printf '/></domain>\\n') > domain.xml", in: directory)
            let transform = BoundedRun.hostdev(["transform", "--no-schema", "domain.xml"], in: directory, seconds: 5)
            #expect(transform.status == 2, "\(transform.stderr)")
            #expect(transform.stderr.contains("domain.xml:2:1: an element with more than 1000 attributes"))
            let lint = BoundedRun.hostdev(["lint", "domain.xml"], in: directory, seconds: 5)
            #expect(lint.status == 1, "\(lint.stderr)")
            #expect(lint.stdout.contains("more than 1000 attributes"))
        }
    }

    @Test func aHugeDomainIsRefusedBeforeTheSchemaCheck() throws {
        withScratchDirectory("elements") { directory in
            // 31 MiB of small elements: a million and a half of them.
            BoundedRun.shell(
                "(printf '<domain type=\"kvm\">\\n'; yes '<memory>1</memory>' | head -c 32000000;"
                    + " printf '</domain>\\n') > domain.xml", in: directory)
            let lint = BoundedRun.hostdev(["lint", "domain.xml"], in: directory, seconds: 10, megabytes: 1000)
            #expect(lint.status == 1, "\(lint.stderr)")
            #expect(lint.stdout.contains("more than 200000 elements"), "\(lint.stdout)")
            let transform = BoundedRun.hostdev(
                ["transform", "domain.xml"], in: directory, seconds: 10, megabytes: 1000)
            #expect(transform.status == 2, "\(transform.stderr)")
            #expect(transform.stderr.contains("more than 200000 elements"))
        }
    }

    @Test func theFirstParseErrorIsReportedWhereItIs() throws {
        withScratchDirectory("first-error") { directory in
            BoundedRun.shell(
                "(printf '<domain type=\"kvm\">\\n  <name value=\"'; head -c 11000000 /dev/zero | tr '\\0' a;"
                    + " printf '\"/>\\n</domain>\\n') > domain.xml", in: directory)
            let result = BoundedRun.hostdev(["transform", "--no-schema", "domain.xml"], in: directory)
            #expect(result.status == 2)
            #expect(result.stderr.contains("domain.xml:2:"), "\(result.stderr)")
            #expect(result.stderr.contains("AttValue length too long"))
            #expect(!result.stderr.contains("Extra content"))
        }
    }

    // MARK: - Not a libvirt domain

    @Test func aDomainElementInAForeignNamespaceIsNotADomain() throws {
        try withScratchDirectory("namespace") { directory in
            try "<d:domain xmlns:d='urn:other' type='kvm'><d:name>x</d:name></d:domain>\n".write(
                toFile: directory + "/domain.xml")
            let transform = BoundedRun.hostdev(["transform", "--no-schema", "domain.xml"], in: directory)
            #expect(transform.status == 2)
            #expect(transform.stderr.contains("expected a <domain>, found <d:domain xmlns:d='urn:other'>"))
            let define = BoundedRun.hostdev(
                ["define", "domain.xml", "--no-schema", "--connect", Repository.sampleHostURI], in: directory)
            #expect(define.status == 2, "\(define.stderr)")
            let lint = BoundedRun.hostdev(["lint", "domain.xml"], in: directory)
            #expect(lint.status == 1)
            #expect(lint.stdout.contains("error: expected a <domain>, found <d:domain xmlns:d='urn:other'> [xml]"))
            let search = BoundedRun.hostdev(["lint", "."], in: directory)
            #expect(search.status == 0)
            #expect(search.stdout.contains("skipped: root element is <d:domain xmlns:d='urn:other'>"))
        }
    }

    // MARK: - Nothing of other files

    @Test func lintQuotesNothingOfAFileALinkPointsAt() throws {
        try withScratchDirectory("shadow") { directory in
            let secret = "SECRET\(UInt32.random(in: 0...UInt32.max))"
            try "root:$6$\(secret):19000:0:99999:7:::\n".write(toFile: directory + "/shadow")
            mkdir(directory + "/domains", 0o700)
            symlink(directory + "/shadow", directory + "/domains/a.xml")
            BoundedRun.write(
                Array("<domain>\n<name>x</name>".utf8) + [0xC3, 0x28] + Array("\(secret)\n</domain>\n".utf8),
                to: directory + "/domains/b.xml")
            let result = BoundedRun.hostdev(["lint", "domains", "--select", "xml"], in: directory)
            #expect(result.status == 1)
            #expect(result.stdout.contains("a.xml:1:1: error: Start tag expected"))
            #expect(result.stdout.contains("b.xml:2:15: error: Input is not proper UTF-8"))
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(result.stdout)")
            #expect(!result.stdout.contains("Bytes:"))
        }
    }

    @Test func theROMRuleTellsNothingOfFilesOutsideWhereROMsLive() throws {
        try withScratchDirectory("rom") { directory in
            try "secret\n".write(toFile: directory + "/exists.rom")
            var outputs: [String] = []
            for name in ["exists.rom", "missing.rom"] {
                let text =
                    "<domain type='kvm'>\n<name>x</name>\n<devices>\n<hostdev mode='subsystem' type='pci' managed='no'>"
                    + "<source><address domain='0' bus='1' slot='0' function='0'/></source>"
                    + "<rom file='\(directory)/\(name)'/></hostdev>\n</devices>\n</domain>\n"
                try text.write(toFile: directory + "/domain.xml")
                let result = BoundedRun.hostdev(["lint", "domain.xml", "--select", "rom-file-missing"], in: directory)
                outputs.append(result.stdout.replacingOccurrences(name, "NAME"))
            }
            #expect(outputs[0] == outputs[1])
            #expect(outputs[0].contains("not checked"), "\(outputs[0])")
        }
    }

    // MARK: - The terminal

    @Test func controlCharactersInFileNamesAndMessagesAreEscaped() throws {
        try withScratchDirectory("escape") { directory in
            mkdir(directory + "/domains", 0o700)
            let name = "evil\u{1B}]0;owned\u{07}\nforged.xml:1:1: error: forged [xml]\n.xml"
            try "<domain>\n".write(toFile: directory + "/domains/" + name)
            let lint = BoundedRun.hostdev(["lint", "domains", "--select", "xml"], in: directory)
            #expect(!lint.stdout.contains("\u{1B}") && !lint.stdout.contains("\u{07}"))
            #expect(lint.stdout.contains("evil\\x1b]0;owned\\x07\\nforged.xml:1:1: error: forged [xml]\\n.xml:"))
            #expect(lint.stdout.split(separator: "\n").count == 2, "\(lint.stdout)")

            try "x\n\u{1B}[2Jvfio: failed to get group 7\u{1B}[0m\n".write(toFile: directory + "/qemu.log")
            let explain = BoundedRun.hostdev(["explain", "qemu.log"], in: directory)
            #expect(explain.stdout.contains("line 2: \\x1b[2Jvfio: failed to get group 7\\x1b[0m"))
            #expect(!explain.stdout.contains("\u{1B}"))

            try #"{"devices": [{"type": "disk\u001b[2J\nforged: error: x"}]}"#.write(toFile: directory + "/vm.json")
            let transform = BoundedRun.hostdev(
                ["transform", "--new", "--no-schema", "--vm-create", "vm.json"], in: directory)
            #expect(transform.status == 0, "\(transform.stderr)")
            #expect(transform.stderr.contains("disk\\x1b[2J\\nforged: error: x device passed over"))
            #expect(!transform.stderr.contains("\u{1B}"))

            // XML cannot hold ESC, but it can hold the 8-bit CSI and a right-to-left override.
            let host = (readFile(Repository.sampleHost) ?? "").replacingOccurrences(
                "GA102 [GeForce RTX 3090]", "GA102\u{9B}8m\u{202E}")
            try host.write(toFile: directory + "/host.xml")
            let list = BoundedRun.hostdev(["list", "--snapshot", "host.xml"], in: directory)
            #expect(list.status == 0, "\(list.stderr)")
            #expect(list.stdout.contains("GA102\\x9b8m\\u{202e}"), "\(list.stdout)")
            #expect(!list.stdout.contains("\u{9B}") && !list.stdout.contains("\u{202E}"))
        }
    }

    // MARK: - SARIF

    @Test func sarifReportsAnUnreadableFileAndEscapesURIs() throws {
        try withScratchDirectory("sarif") { directory in
            mkdir(directory + "/domains", 0o700)
            symlink(directory + "/nowhere", directory + "/domains/dangling.xml")
            try "<domain>\n".write(toFile: directory + "/domains/a b%#.xml")
            let result = BoundedRun.hostdev(["lint", "domains", "--select", "xml", "--format", "sarif"], in: directory)
            #expect(result.status == 1)
            #expect(result.stdout.contains("\"executionSuccessful\" : false"))
            #expect(result.stdout.contains("\"uri\" : \"domains/dangling.xml\""))
            #expect(result.stdout.contains("cannot read: cannot open: No such file or directory"))
            #expect(result.stdout.contains("\"uri\" : \"domains/a%20b%25%23.xml\""), "\(result.stdout)")
        }
    }

    // MARK: - Exit codes

    @Test func aMalformedSnapshotIsBadInput() throws {
        try withScratchDirectory("snapshot") { directory in
            try "<node>\n<device>\n</node>\n".write(toFile: directory + "/host.xml")
            try "<domain type='kvm'><name>x</name></domain>\n".write(toFile: directory + "/domain.xml")
            for arguments in [["list"], ["lint", "domain.xml"], ["transform", "domain.xml"], ["doctor"]] {
                let result = BoundedRun.hostdev(arguments + ["--snapshot", "host.xml"], in: directory)
                #expect(result.status == 2, "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains("host.xml:3:"), "\(arguments): \(result.stderr)")
            }
            let missing = BoundedRun.hostdev(["list", "--snapshot", "nothing.xml"], in: directory)
            #expect(missing.status == 2, "\(missing.stderr)")
        }
    }

    // MARK: - Logs of any size

    @Test func explainReadsALogLargerThanSixtyFourMiBInBoundedMemory() throws {
        withScratchDirectory("log") { directory in
            BoundedRun.shell(
                "(head -c 68157440 /dev/zero | tr '\\0' '\\n'; printf 'vfio: failed to get group 7\\n') > qemu.log",
                in: directory)
            let result = BoundedRun.hostdev(["explain", "qemu.log"], in: directory, seconds: 60, megabytes: 300)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("line 68157441: vfio: failed to get group 7"), "\(result.stdout)")
            #expect(result.stdout.hasSuffix("1 line explained, 0 not recognised (not guessed at), 68157441 read\n"))
        }
    }
}

/// vmCreate parameters built to be ambiguous, huge, or to smuggle characters into the XML.
@Suite("Hostile vmCreate parameters")
struct HostileVMCreateTests {
    static func transform(_ json: String, _ extra: [String] = []) -> CommandResult {
        withScratchDirectory("vmcreate") { directory in
            try? json.write(toFile: directory + "/vm.json")
            return BoundedRun.hostdev(["transform", "--new", "--vm-create", "vm.json"] + extra, in: directory)
        }
    }

    @Test func aKeyGivenTwiceIsBadInputNamedWithItsPlace() {
        let result = Self.transform("{\"devices\": [],\n  \"vmName\": \"a\", \"vmName\": \"b\"}", ["--no-schema"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("vm.json:2:18: not valid JSON: duplicate key 'vmName'"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func jsonErrorsCarryLineAndColumn() {
        let result = Self.transform("{\"devices\": [\n  {\"type\": \"disk\",}\n]}", ["--no-schema"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("vm.json:2:19: not valid JSON: expected a key in double quotes"))
    }

    @Test(arguments: [#""good\u0000evil""#, #""a\u0001b""#, #""a\uFFFEb""#])
    func charactersXMLCannotHoldAreRefused(name: String) {
        for extra in [[], ["--no-schema"]] {
            let result = Self.transform("{\"vmName\": \(name), \"devices\": []}", extra)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("vmName holds U+"), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func millionsOfOtherDevicesAreSummarizedInBoundedMemory() {
        withScratchDirectory("vmcreate-big") { directory in
            BoundedRun.shell(
                "(printf '{\"devices\": ['; yes '{\"type\":\"disk\"},' | head -n 490000 | tr -d '\\n'; "
                    + "printf '{\"type\":\"disk\"}]}') > vm.json",
                in: directory)
            let result = BoundedRun.hostdev(
                ["transform", "--new", "--no-schema", "--vm-create", "vm.json"], in: directory, seconds: 30,
                megabytes: 400)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("vm.json: note: 489991 more dictionaries passed over (not host devices)"))
            #expect(result.stderr.split(separator: "\n").count == 11, "\(result.stderr.prefix(2000))")
        }
    }
}
