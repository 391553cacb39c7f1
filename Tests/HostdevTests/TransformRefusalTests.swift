import Hostdev
import Testing

/// What libvirt refuses at define, the transform refuses first: the same rules lint applies check
/// its result, and a finding on an added element names the request entry it came from.
@Suite("The transform refuses what libvirt would refuse")
struct TransformRefusalTests {
    static let webServer = readFile(Repository.root + "/Samples/domains/web-server.xml") ?? ""
    static let nfvRouterUUID = "6f1c2a4e-8b3d-4e5f-9a7b-1c2d3e4f5a6b"

    static func errors(_ domain: String?, _ json: String, inventory: HostInventory? = nil) throws -> [Diagnostic] {
        let result = try TransformTests.transform(domain, json, inventory: inventory)
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(result.succeeded == errors.isEmpty)
        return errors
    }

    static func inventory(hostUse: [PCIAddress: [String]]) throws -> HostInventory {
        let base = try TransformTests.inventory.get()
        var facts = base.facts
        facts.hostUse = hostUse
        return HostInventory(devices: base.devices, domains: base.domains, facts: facts, origin: base.origin)
    }

    /// A domain holding one SCSI hostdev with `source` (libvirt's hostdev-scsi-lsi test has two
    /// iSCSI LUNs like the first).
    static func scsiDomain(_ source: String) -> String {
        "<domain type='kvm'><name>vm</name><memory>1024</memory><os><type>hvm</type></os><devices>"
            + "<hostdev mode='subsystem' type='scsi' managed='no'>\(source)</hostdev></devices></domain>"
    }

    @Test func anISCSILUNIsNoHostDeviceToRefuse() throws {
        let lun =
            "<source protocol='iscsi' name='iqn.1992-01.com.example:storage/1'><host name='example.org' port='3260'/>"
            + "<auth username='myname'><secret type='iscsi' usage='mycluster_myname'/></auth></source>"
        #expect(try Self.errors(Self.scsiDomain(lun), "[]").isEmpty)
        // managed='yes' means nothing for it either: there is nothing on the host to detach.
        let managed = Self.scsiDomain(lun).replacingOccurrences("managed='no'", "managed='yes'")
        let findings = try TransformTests.transform(managed, "[]", inventory: nil).diagnostics
        #expect(findings.allSatisfy { $0.rule != "managed-yes" && $0.severity != .error }, "\(findings)")
        // Not readable as a LUN either: no name, no host, another protocol, or no source at all.
        for source in [
            "<source protocol='iscsi'><host name='example.org'/></source>",
            "<source protocol='iscsi' name='iqn.1992-01.com.example/1'/>",
            "<source protocol='nbd' name='x'><host name='example.org'/></source>", "",
        ] {
            #expect(
                try Self.errors(Self.scsiDomain(source), "[]").map(\.rule) == ["hostdev-source-unreadable"], "\(source)"
            )
        }
    }

    @Test func aGuestAddressAnotherDeviceUses() throws {
        let json =
            #"[{"type":"hostdev","device":"pci_0000_02_00_0","address":{"domain":"0","bus":"1","slot":"0","function":"0"}}]"#
        let errors = try Self.errors(Self.webServer, json)
        #expect(errors.map(\.rule) == ["guest-address-collision"])
        #expect(
            errors.first?.message == "devices[0]: guest PCI address 0000:01:00.0 is also used by <interface> at line 29"
        )
        #expect(errors.first?.file == "params.json")
    }

    @Test func aBootOrderADiskHas() throws {
        let errors = try Self.errors(Self.webServer, #"[{"type":"hostdev","device":"pci_0000_02_00_0","bootOrder":1}]"#)
        #expect(errors.map(\.rule) == ["duplicate-boot-order"])
        #expect(errors.first?.message == "devices[0]: boot order 1 of this <hostdev> is also used by <disk> at line 22")
    }

    @Test func twoRequestsWithOneBootOrder() throws {
        let json =
            #"[{"type":"hostdev","device":"pci_0000_02_00_0","bootOrder":2},{"type":"hostdev","device":"usb_1_3","bootOrder":2}]"#
        let errors = try Self.errors(nil, json)
        #expect(errors.map(\.rule) == ["duplicate-boot-order"])
        #expect(
            errors.first?.message
                == "devices[1]: boot order 2 of this <hostdev> is also used by <hostdev> at devices[0]")
    }

    @Test func twoRequestsWithOneAlias() throws {
        let json =
            #"[{"type":"hostdev","device":"pci_0000_02_00_0","alias":"ua-x"},{"type":"hostdev","device":"usb_1_3","alias":"ua-x"}]"#
        let errors = try Self.errors(nil, json)
        #expect(errors.map(\.rule) == ["duplicate-alias"])
        #expect(errors.first?.message == "devices[1]: alias ua-x is also used by <hostdev> at devices[0]")
    }

    @Test func anAliasTheDomainHas() throws {
        let domain = Self.webServer.replacingOccurrences(
            "<model type='virtio'/>", "<model type='virtio'/>\n      <alias name='ua-uplink'/>")
        let errors = try Self.errors(domain, #"[{"type":"hostdev","device":"pci_0000_02_00_0","alias":"ua-uplink"}]"#)
        #expect(errors.map(\.rule) == ["duplicate-alias"])
        #expect(errors.first?.message == "devices[0]: alias ua-uplink is also used by <interface> at line 29")
    }

    @Test func oneDeviceUnderTwoNames() throws {
        let base = try TransformTests.inventory.get()
        let devices = base.devices.map { device in
            var renamed = device
            if renamed.name == "pci_0000_02_00_0" { renamed.name = "pci_144d_a808" }
            return renamed
        }
        let inventory = HostInventory(devices: devices, domains: base.domains, facts: base.facts, origin: base.origin)
        let json = #"[{"type":"hostdev","device":"pci_0000_02_00_0"},{"type":"hostdev","device":"pci_144d_a808"}]"#
        let errors = try Self.errors(nil, json, inventory: inventory)
        #expect(errors.map(\.rule) == ["duplicate-hostdev"])
        #expect(
            errors.first?.message
                == "devices[1]: pci_144d_a808 is requested twice (also devices[0] as pci_0000_02_00_0)")
    }

    @Test func aDomainNamedLikeAnotherIsNotThatDomain() throws {
        let json =
            #"{"vmName":"nfv-router","vmId":"11111111-2222-4333-8444-555555555555","devices":[{"type":"hostdev","device":"pci_0000_03_10_0"}]}"#
        let errors = try Self.errors(nil, json)
        #expect(Set(errors.map(\.rule)) == ["owned-by-other-domain", "domain-name-clash"])
        #expect(errors.contains { $0.message.contains("domain 'nfv-router' on snapshot") })
        // The same name with the owner's UUID is the owner itself.
        let same = json.replacingOccurrences("11111111-2222-4333-8444-555555555555", Self.nfvRouterUUID)
        #expect(try Self.errors(nil, same).isEmpty)
    }

    @Test func lintOwnsByUUIDToo() throws {
        func lint(uuid: String) throws -> [String] {
            try withScratchDirectory("lint-uuid") { directory in
                try """
                <domain type='kvm'>
                  <name>nfv-router</name>
                  <uuid>\(uuid)</uuid>
                  <devices>
                    <hostdev mode='subsystem' type='pci' managed='no'>
                      <source><address domain='0x0000' bus='0x03' slot='0x10' function='0x0'/></source>
                    </hostdev>
                  </devices>
                </domain>
                """.write(toFile: directory + "/router.xml")
                let linter = Linter(
                    schema: nil, inventory: try TransformTests.inventory.get(),
                    select: ["owned-by-other-domain", "domain-name-clash"])
                return linter.lint(files: [directory + "/router.xml"]).diagnostics.map(\.rule)
            }
        }
        #expect(
            try lint(uuid: "11111111-2222-4333-8444-555555555555") == ["domain-name-clash", "owned-by-other-domain"])
        #expect(try lint(uuid: Self.nfvRouterUUID).isEmpty)
    }

    @Test func aDeviceTheHostUses() throws {
        let nvme = try PCIAddress(sysfsName: "0000:02:00.0")
        let inventory = try Self.inventory(hostUse: [nvme: ["/dev/nvme0n1p2 mounted on /"]])
        let errors = try Self.errors(nil, #"[{"type":"hostdev","device":"pci_0000_02_00_0"}]"#, inventory: inventory)
        #expect(errors.map(\.rule) == ["host-device-in-use"])
        #expect(
            errors.first?.message == "devices[0]: the host itself uses pci_0000_02_00_0: /dev/nvme0n1p2 mounted on /")
        #expect(errors.first?.fixIt?.action == nil)
        // lint, given the same host, applies the same rule.
        let linter = Linter(schema: nil, inventory: inventory, select: ["host-device-in-use"])
        let report = linter.lint(files: [Repository.root + "/Tests/Fixtures/lint/duplicate-boot-order.xml"])
        #expect(
            report.diagnostics.map(\.message) == ["the host itself uses pci_0000_02_00_0: /dev/nvme0n1p2 mounted on /"])
    }

    @Test func theHookEntryPointAppliesTheSameRules() throws {
        let inventory = try TransformTests.inventory.get()
        let bytes = Array((readFile(Repository.root + "/Tests/Fixtures/lint/owned-by-other-domain.xml") ?? "").utf8)
        let findings = try RuleCatalogue.evaluate(domainXML: bytes, inventory: inventory)
        #expect(findings.map(\.rule) == ["owned-by-other-domain"])
    }
}

/// The same refusals through the command line: exit 1, nothing on stdout.
@Suite("hostdev transform refuses what libvirt would refuse, end to end")
struct TransformRefusalCommandTests {
    static func transform(_ arguments: [String], json: String) -> CommandResult {
        TransformCommandTests.run(["transform"] + arguments + ["--vm-create", "-"], stdin: json)
    }

    @Test(arguments: [
        (
            #"[{"type":"hostdev","device":"pci_0000_02_00_0","address":{"bus":"1","slot":"0","function":"0"}}]"#,
            "-: error: devices[0]: guest PCI address 0000:01:00.0 is also used by <interface> at line 29 [guest-address-collision]"
        ),
        (
            #"[{"type":"hostdev","device":"pci_0000_02_00_0","bootOrder":1}]"#,
            "-: error: devices[0]: boot order 1 of this <hostdev> is also used by <disk> at line 22 [duplicate-boot-order]"
        ),
        (
            #"[{"type":"hostdev","device":"pci_0000_02_00_0","alias":"ua-a"},{"type":"hostdev","device":"usb_1_3","alias":"ua-a"}]"#,
            "-: error: devices[1]: alias ua-a is also used by <hostdev> at devices[0] [duplicate-alias]"
        ),
    ])
    func refused(json: String, expected: String) {
        let result = Self.transform(
            ["Samples/domains/web-server.xml", "--snapshot", "Samples/hosts/sample-host.xml"], json: json)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
    }

    @Test func aDomainNamedLikeTheOwnerIsRefused() {
        let result = Self.transform(
            ["--new", "--snapshot", "Samples/hosts/sample-host.xml"],
            json: #"{"vmName":"nfv-router","devices":[{"type":"hostdev","device":"pci_0000_03_10_0"}]}"#)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr.contains(
                "pci_0000_03_10_0 is assigned to domain 'nfv-router' (running) [owned-by-other-domain]"))
        #expect(result.stderr.contains("[domain-name-clash]"), "\(result.stderr)")
    }

    @Test func oneDeviceUnderTwoNames() throws {
        try withScratchDirectory("two-names") { directory in
            let host = (readFile(Repository.sampleHost) ?? "").replacingOccurrences(
                "<name>pci_0000_02_00_0</name>", "<name>pci_144d_a808</name>")
            try host.write(toFile: directory + "/host.xml")
            let result = Self.transform(
                ["--new", "--snapshot", directory + "/host.xml"],
                json: #"[{"type":"hostdev","device":"pci_0000_02_00_0"},{"type":"hostdev","device":"pci_144d_a808"}]"#)
            #expect(result.status == 1)
            #expect(
                result.stderr.contains(
                    "devices[1]: pci_144d_a808 is requested twice (also devices[0] as pci_0000_02_00_0) [duplicate-hostdev]"
                ),
                "\(result.stderr)")
        }
    }

    @Test func theHostsOwnDiskFromASysfsTree() throws {
        let tree = try FakeSysfs(mirroring: try HostVerbsTests.sample.get())
        let nvme = try PCIAddress(sysfsName: "0000:02:00.0")
        try tree.blockDevice("nvme0n1", partition: "nvme0n1p2", on: nvme, mountedOn: "/")
        let result = Self.transform(
            ["--new", "--sysfs", tree.root], json: #"[{"type":"hostdev","device":"pci_0000_02_00_0"}]"#)
        #expect(result.status == 1)
        #expect(result.stderr.contains("devices[0]: the host itself uses pci_0000_02_00_0"), "\(result.stderr)")
        #expect(result.stderr.contains("[host-device-in-use]"))
        let lint = TransformCommandTests.run([
            "lint", "Tests/Fixtures/lint/duplicate-boot-order.xml", "--sysfs", tree.root, "--select",
            "host-device-in-use",
        ])
        #expect(lint.status == 1)
        #expect(lint.stdout.contains("the host itself uses pci_0000_02_00_0"))
    }
}
