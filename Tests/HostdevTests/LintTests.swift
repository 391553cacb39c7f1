import Hostdev
import LibXML
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("hostdev lint: rules")
struct LintRuleTests {
    static let fixtures = Repository.root + "/Tests/Fixtures/lint"
    static let inventory = Result { try InventorySource.snapshot(path: Repository.sampleHost).load() }
    static let schema = Result { try RelaxNGSchema.libvirtDomain() }

    static func lint(_ paths: [String], select: Set<String> = []) throws -> LintReport {
        let linter = Linter(schema: try schema.get(), inventory: try inventory.get(), select: select)
        return linter.lint(files: try Linter.files(in: paths.map { fixtures + "/" + $0 }))
    }

    static let perFileRules = [
        "pci-address-invalid", "duplicate-hostdev", "device-missing", "not-assignable", "iommu-group-incomplete",
        "owned-by-other-domain", "migration-marker-missing", "managed-yes", "guest-address-collision",
        "rom-file-missing", "schema", "duplicate-boot-order", "duplicate-alias", "hostdev-source-unreadable",
        "interface-not-vf", "interface-mac-invalid", "interface-vlan-invalid", "mdev-unavailable", "mdev-not-created",
        "placeholder-invalid",
    ]

    @Test(arguments: perFileRules)
    func eachRuleFiresOnItsFileAndNotOnACleanOne(rule: String) throws {
        let triggered = try Self.lint([rule + ".xml"], select: [rule])
        #expect(triggered.diagnostics.contains { $0.rule == rule }, "\(triggered.text())")
        // libxml2 gives some schema violations ("Extra element … in interleave") no line, as in xmllint.
        #expect(triggered.diagnostics.contains { $0.rule == rule && $0.line != nil })
        let clean = try Self.lint(["clean.xml"], select: [rule])
        #expect(clean.diagnostics.isEmpty, "\(clean.text())")
    }

    @Test func cleanFileIsCleanUnderEveryRule() throws {
        #expect(try Self.lint(["clean.xml"]).diagnostics.isEmpty)
    }

    @Test func aDeviceInTwoDomainsOfOneRun() throws {
        let report = try Self.lint(["two-domains"], select: ["device-in-two-domains"])
        #expect(report.diagnostics.count == 1)
        #expect(report.diagnostics[0].file?.hasSuffix("second.xml") == true)
        #expect(report.diagnostics[0].message.contains("first.xml"))
        #expect(try Self.lint(["two-domains/first.xml"], select: ["device-in-two-domains"]).diagnostics.isEmpty)
    }

    @Test func aGroupSplitAcrossDomains() throws {
        let report = try Self.lint(["split-group"], select: ["iommu-group-split"])
        #expect(report.diagnostics.count == 1)
        #expect(report.diagnostics[0].message.contains("IOMMU group 1 is split"))
        // Each domain alone is complete thanks to its placeholder.
        #expect(try Self.lint(["split-group"], select: [IOMMUGroupCheck.rule]).diagnostics.isEmpty)
    }

    @Test func theGroupMessageIsTheTransformsOwn() throws {
        let lint = try Self.lint(["iommu-group-incomplete.xml"], select: [IOMMUGroupCheck.rule]).diagnostics[0]
        let request = try VMCreateRequest.decode(Array(#"[{"type":"hostdev","device":"pci_0000_01_00_0"}]"#.utf8))
        let transform = try PassthroughTransform.run(
            domainXML: nil, request: request, inventory: try Self.inventory.get())
        #expect(
            transform.diagnostics.first { $0.rule == IOMMUGroupCheck.rule }?.message == "devices[0]: " + lint.message)
    }

    @Test func hostRulesAreSkippedWithoutAHost() throws {
        let linter = Linter(schema: nil, inventory: nil)
        let report = linter.lint(files: [Self.fixtures + "/device-missing.xml"])
        #expect(report.diagnostics.isEmpty)
        #expect(report.summaryLine.contains("host rules skipped"))
    }

    @Test func everyRuleHasAnExplanation() {
        for id in LintRules.ids {
            let text = LintRules.explain(id)
            #expect(text?.hasPrefix(id) == true && (text?.count ?? 0) > 60, "\(id)")
        }
        #expect(LintRules.explain("no-such-rule") == nil)
    }
}

@Suite("hostdev lint: output and exit codes")
struct LintOutputTests {
    static let fixtures = "Tests/Fixtures/lint"

    static func run(_ arguments: [String], stdin: String = "") -> CommandResult {
        TransformCommandTests.run(["lint"] + arguments, stdin: stdin)
    }

    @Test(arguments: ["text", "json", "sarif"])
    func aMixedDirectoryInEveryFormat(format: String) {
        let result = Self.run([
            Self.fixtures + "/mixed", "--snapshot", "Samples/hosts/sample-host.xml", "--format", format,
        ])
        #expect(result.status == 1)
        Golden.check(result.stdout, named: "lint/mixed.\(format)")
    }

    @Test func everyRuleFileInText() {
        let files = LintRuleTests.perFileRules.map { Self.fixtures + "/" + $0 + ".xml" }
        let result = Self.run(
            files + [
                "--snapshot", "Samples/hosts/sample-host.xml", "--ignore", "device-in-two-domains,iommu-group-split",
            ])
        #expect(result.status == 1)
        Golden.check(result.stdout, named: "lint/rules.text")
    }

    @Test func cleanExitsZero() {
        let result = Self.run([Self.fixtures + "/clean.xml", "--snapshot", "Samples/hosts/sample-host.xml"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout == "1 file: 1 linted; 0 errors, 0 warnings\n")
    }

    @Test func warningsAloneExitZero() {
        let result = Self.run([Self.fixtures + "/migration-marker-missing.xml"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("warning:"))
    }

    @Test func standardInput() {
        let text = readFile(Repository.root + "/" + Self.fixtures + "/schema.xml") ?? ""
        let result = Self.run(["-", "--select", "schema"], stdin: text)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("-:"))
    }

    @Test func couldNotRunExitsTwo() {
        let missing = Self.run(["/nonexistent/domains"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/domains"))
        let noSchema = Self.run([Self.fixtures + "/clean.xml", "--schemas", "/nonexistent"])
        #expect(noSchema.status == 2)
        #expect(noSchema.stderr.contains("/nonexistent/domain.rng"))
        let badRule = Self.run([Self.fixtures + "/clean.xml", "--select", "no-such-rule"])
        #expect(badRule.status == 2)
    }

    @Test func aDomainAutostartLinksToIsLintedOnce() throws {
        // libvirt's /etc/libvirt/qemu: NAME.xml, and autostart/NAME.xml linking to it.
        try withScratchDirectory("autostart") { directory in
            let domain = Repository.root + "/" + Self.fixtures + "/two-domains/first.xml"
            #expect(system("cp '\(domain)' '\(directory)/first.xml' && mkdir '\(directory)/autostart'") == 0)
            #expect(symlink("../first.xml", directory + "/autostart/first.xml") == 0)
            let listed = try Linter.files(in: [directory])
            #expect(listed == [directory + "/first.xml"])
            let result = Self.run([directory, "--snapshot", "Samples/hosts/sample-host.xml"])
            #expect(result.stdout.contains("1 file: 1 linted"), "\(result.stdout)")
            #expect(!result.stdout.contains("device-in-two-domains"))
            // A link named on its own is still read.
            let named = try Linter.files(in: [directory + "/autostart/first.xml"])
            #expect(named.count == 1)
        }
    }

    @Test func explainPrintsTheRule() {
        let result = Self.run(["--explain", "iommu-group-incomplete"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("group N is not viable"))
    }

    @Test func ignoreSchemaRunsThePassthroughRulesAlone() {
        let result = Self.run([Self.fixtures + "/schema.xml", "--ignore", "schema"])
        #expect(result.status == 0)
    }
}

@Suite("A rule's findings grow with the domain, not with its square")
struct LintFindingGrowthTests {
    @Test func hostdevsSharingOneGuestAddressEachNameOneOtherUser() throws {
        try withScratchDirectory("collisions") { directory in
            var text = "<domain type='kvm'><name>a</name><memory>1024</memory><os><type>hvm</type></os><devices>\n"
            for index in 0..<2000 {
                text += "<hostdev mode='subsystem' type='pci' managed='no'><source><address domain='0x0000' "
                text += "bus='0x\(String(index >> 8, radix: 16))' slot='0x\(String((index >> 3) & 31, radix: 16))' "
                text += "function='0x\(index & 7)'/></source>"
                text += "<address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/></hostdev>\n"
            }
            try (text + "</devices></domain>\n").write(toFile: directory + "/d.xml")
            let result = HostdevBinary.bounded(
                ["lint", directory + "/d.xml", "--select", "guest-address-collision"], seconds: 120)
            #expect(result.status == 1)
            let lines = result.stdout.split(separator: "\n").filter { $0.contains("[guest-address-collision]") }
            #expect(lines.count == 2000)
            // Naming every other user made each line about 2000 names long.
            #expect(lines.allSatisfy { $0.count < 300 }, "\(lines.first ?? "")")
            #expect(lines[1].contains("is also used by <hostdev> at line 2 and 1998 other devices"))
        }
    }
}

@Suite("A file named on the command line is linted whatever it is, and must be a domain")
struct LintNamedFileTests {
    @Test func aPipeNamedOnTheCommandLineIsLinted() {
        let fixture = Repository.root + "/Tests/Fixtures/lint/duplicate-hostdev.xml"
        let result = HostdevBinary.bounded(["lint", "/dev/stdin"], stdin: readFile(fixture) ?? "")
        #expect(result.status == 1)
        #expect(
            result.stdout.contains("/dev/stdin:23:5: error: pci_0000_01_00_1 is assigned twice"), "\(result.stdout)")
        let substituted = HostdevBinary.shell(
            "bash -c \"'\(HostdevBinary.path)' lint <(cat '\(fixture)') >/dev/null 2>&1; echo \\$?\"")
        #expect(substituted == "1\n")
    }

    @Test func aPathGivenTwiceIsReadOnce() {
        let clean = Repository.root + "/Tests/Fixtures/lint/clean.xml"
        let result = HostdevBinary.run(["lint", "-", "-", clean, clean], stdin: readFile(clean) ?? "")
        #expect(result.stdout.contains("2 files: 2 linted"), "\(result.stdout)")
    }

    @Test func aNamedFileThatIsNotADomainIsAnErrorAndOneFoundInADirectoryANote() throws {
        try withScratchDirectory("not-domain") { directory in
            try "<network>\n  <name>default</name>\n</network>\n".write(toFile: directory + "/net.xml")
            try "<domain xmlns='urn:other'/>\n".write(toFile: directory + "/other.xml")
            for name in ["net.xml", "other.xml"] {
                let named = HostdevBinary.run(["lint", directory + "/" + name])
                #expect(named.status == 1, "\(name)")
                #expect(named.stdout.contains("\(name):1:1: error: expected a <domain>, found <"), "\(named.stdout)")
            }
            let found = HostdevBinary.run(["lint", directory])
            #expect(found.status == 0)
            #expect(found.stdout.contains("2 skipped (not a <domain>)"), "\(found.stdout)")
        }
    }
}

@Suite("A named pipe given as input is read once its writer comes, as cat reads it")
struct NamedPipeInputTests {
    @Test func aWriterThatOpensThePipeLaterIsWaitedFor() {
        withScratchDirectory("late-writer") { directory in
            let fifo = directory + "/domain.xml"
            #expect(mkfifo(fifo, 0o600) == 0)
            let fixture = Repository.root + "/Tests/Fixtures/lint/duplicate-hostdev.xml"
            let result = HostdevBinary.bounded(
                ["lint", fifo], prefix: "(sleep 1; cat '\(fixture)' >'\(fifo)') & ", seconds: 30)
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stdout.contains("domain.xml:23:5: error: pci_0000_01_00_1 is assigned twice"))
        }
    }
}

@Suite("A directory search never waits on a kernel file that calls itself regular")
struct LintKernelFileTests {
    @Test func aLinkToProcKmsgInALintDirectoryIsPassedOverUnread() {
        guard access("/proc/kmsg", R_OK) == 0 else {
            print("skipped: /proc/kmsg cannot be read here")
            return
        }
        withScratchDirectory("kmsg") { directory in
            #expect(symlink("/proc/kmsg", directory + "/x.xml") == 0)
            let result = HostdevBinary.bounded(["lint", directory], seconds: 20)
            #expect(result.status == 0, "\(result.stdout)")
            #expect(
                result.stdout.contains("x.xml: note: passed over: not a regular file (a kernel file)"),
                "\(result.stdout)")
        }
    }
}
