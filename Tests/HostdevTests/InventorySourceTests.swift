import Hostdev
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Inventory from libvirt and from a snapshot")
struct InventorySourceTests {
    @Test func snapshotReadsTheSampleHost() throws {
        let inventory = try InventorySource.snapshot(path: Repository.sampleHost).load()
        let gpu = try #require(inventory.device(named: "pci_0000_01_00_0"))
        #expect(gpu.driver == "nvidia")
        #expect(gpu.parent == "pci_0000_00_01_0")
        #expect(gpu.pci?.iommuGroup == 1)
        #expect(gpu.pci?.vendorID == 0x10de && gpu.pci?.productID == 0x2204)
        #expect(gpu.isAssignable)
        #expect(inventory.groupMembers(1).map(\.description) == ["0000:00:01.0", "0000:01:00.0", "0000:01:00.1"])
        let rootPort = try #require(inventory.device(named: "pci_0000_00_01_0"))
        #expect(!rootPort.isAssignable)
        let mei = try #require(inventory.device(named: "pci_0000_00_16_0"))
        #expect(mei.pci?.iommuGroup == nil && !mei.isAssignable)
        let pf = try #require(inventory.device(named: "pci_0000_03_00_0"))
        #expect(pf.pci?.virtualFunctions.count == 2 && pf.pci?.totalVFs == 63)
        let vf = try #require(inventory.device(named: "pci_0000_03_10_0"))
        #expect(vf.pci?.physicalFunction?.nodeDeviceName == "pci_0000_03_00_0")
        #expect(inventory.owners(of: vf).map(\.name) == ["nfv-router"])
        #expect(inventory.device(named: "usb_1_3")?.usb?.device == 3)
        #expect(inventory.device(named: "pci_0001_01_00_0")?.pci?.numaNode == 1)
    }

    @Test func libvirtAndSnapshotAgreeButForDrivers() throws {
        let snapshot = try InventorySource.snapshot(path: Repository.sampleHost).load()
        let libvirt = try InventorySource.libvirt(uri: Repository.sampleHostURI).load()
        // libvirt 9.0's test driver drops <driver>; everything else matches.
        let withoutDrivers = snapshot.devices.map { device in
            var copy = device
            copy.driver = nil
            return copy
        }
        #expect(libvirt.devices == withoutDrivers)
        #expect(libvirt.domains.map(\.name) == snapshot.domains.map(\.name))
        #expect(libvirt.domains.map(\.isActive) == [false, true])
        #expect(snapshot.domains.map(\.isActive) == [false, true])
    }

    @Test func listingByDomainFindsItsDevices() throws {
        let inventory = try InventorySource.libvirt(uri: Repository.sampleHostURI).load()
        let listing = try DeviceListing(inventory: inventory, domain: "nfv-router")
        #expect(listing.devices.map(\.name) == ["pci_0000_03_10_0"])
        let byUUID = try DeviceListing(inventory: inventory, domain: "6F1C2A4E-8B3D-4E5F-9A7B-1C2D3E4F5A6B")
        #expect(byUUID.devices.map(\.name) == ["pci_0000_03_10_0"])
        #expect(listing.vdsmJSON().contains("\"vmId\" : \"6f1c2a4e-8b3d-4e5f-9a7b-1c2d3e4f5a6b\""))
    }

    @Test func listingByCapability() throws {
        let inventory = try InventorySource.snapshot(path: Repository.sampleHost).load()
        let usb = try DeviceListing(inventory: inventory, capabilities: ["usb_device"])
        #expect(usb.devices.map(\.name) == ["usb_1_3", "usb_usb1"])
    }

    /// A test-driver file holding `devices` beside `computer`.
    static func node(_ devices: String) -> String {
        """
        <node>
          <device><name>computer</name><capability type='system'><hardware>\
        <uuid>00000000-0000-4000-8000-000000000000</uuid></hardware></capability></device>
        \(devices)
        </node>
        """
    }

    /// A PCI device in node-device XML, with `extra` inside its capability.
    static func pci(
        _ address: String, parent: String = "computer", driver: String? = nil, classCode: String = "0x020000",
        group: Int? = nil, peers: [String] = [], extra: String = ""
    ) throws -> String {
        let parsed = try PCIAddress(sysfsName: address)
        let addresses = try ([address] + peers).map { text throws in try PCIAddress(sysfsName: text) }.sorted()
        let members = group.map { number in
            "<iommuGroup number='\(number)'>"
                + addresses.map { member in
                    "<address " + member.xmlAttributes.map { "\($0.0)='\($0.1)'" }.joined(separator: " ") + "/>"
                }.joined() + "</iommuGroup>"
        }
        return """
            <device><name>\(parsed.nodeDeviceName)</name><parent>\(parent)</parent>\
            \(driver.map { "<driver><name>\($0)</name></driver>" } ?? "")<capability type='pci'>\
            <class>\(classCode)</class><domain>\(parsed.domain)</domain><bus>\(parsed.bus)</bus>\
            <slot>\(parsed.slot)</slot><function>\(parsed.function)</function>\
            <product id='0x1234'/><vendor id='0x8086'/>\(extra)\(members ?? "")</capability></device>
            """
    }

    /// Loads a test-driver file through the snapshot parser and through libvirt's test driver.
    static func bothWays(_ xml: String) throws -> (snapshot: HostInventory, libvirt: HostInventory) {
        try withScratchDirectory("inventory") { directory in
            let path = directory + "/host.xml"
            try xml.write(toFile: path)
            return (
                try InventorySource.snapshot(path: path).load(),
                try InventorySource.libvirt(uri: "test://" + path).load()
            )
        }
    }

    @Test func aBridgeByAnyEvidenceIsNotAssignable() throws {
        let xml = Self.node(
            [
                // libvirt's pci_0000_00_1c_0_header_type.xml: an endpoint-looking class, the bridge capability.
                try Self.pci("0000:00:1c.0", classCode: "0xffffff", group: 8, extra: "<capability type='pci-bridge'/>"),
                try Self.pci(
                    "0000:00:1d.0", classCode: "0x020000", group: 9, extra: "<capability type='cardbus-bridge'/>"),
                try Self.pci("0000:00:1e.0", classCode: "0x060901", group: 10),
                try Self.pci("0000:00:1f.0", classCode: "0x020000", group: 11),
                try Self.pci("0000:05:00.0", parent: "pci_0000_00_1f_0", group: 12),
                try Self.pci("0000:00:02.0", driver: "pcieport", classCode: "0x088000", group: 13),
                try Self.pci("0000:00:03.0", group: 14),
            ].joined(separator: "\n"))
        let (snapshot, libvirt) = try Self.bothWays(xml)
        for inventory in [snapshot, libvirt] {
            let assignable = inventory.devices.filter { $0.pci != nil && $0.isAssignable }.map(\.name)
            // pcieport (pci_0000_00_02_0) is known only where the source keeps drivers.
            #expect(
                assignable.filter { $0 != "pci_0000_00_02_0" } == ["pci_0000_00_03_0", "pci_0000_05_00_0"],
                "from \(inventory.origin)")
            #expect(
                inventory.device(named: "pci_0000_00_1c_0")?.notAssignableReason
                    == "it is a PCI bridge (libvirt capability pci-bridge)")
            #expect(
                inventory.device(named: "pci_0000_00_1f_0")?.notAssignableReason
                    == "it is a PCI bridge (PCI devices hang off it: pci_0000_05_00_0)")
        }
        #expect(snapshot.device(named: "pci_0000_00_02_0")?.isAssignable == false)
        let request = try VMCreateRequest.decode(
            Array(#"[{"type":"hostdev","device":"pci_0000_00_1c_0"}]"#.utf8), source: "params.json")
        let result = try PassthroughTransform.run(
            domainXML: nil, source: "domain.xml", request: request, inventory: snapshot, options: TransformOptions())
        #expect(result.xmlString == nil)
        #expect(result.diagnostics.contains { $0.severity == .error && $0.message.contains("PCI bridge") })
    }

    @Test func aDomainAbove0xFFFFLoadsFromEverySource() throws {
        let vmd = try Self.pci(
            "10000:01:00.0", parent: "computer", classCode: "0x010802", group: 20,
            extra: "<numa node='0'/>")
        let (snapshot, libvirt) = try Self.bothWays(Self.node(vmd))
        for inventory in [snapshot, libvirt] {
            let nvme = try #require(inventory.device(named: "pci_10000_01_00_0"))
            #expect(nvme.pci?.address.domain == 0x10000)
            #expect(inventory.groupMembers(20).map(\.description) == ["10000:01:00.0"])
        }
    }

    /// libvirt's test driver takes the devices of a file as they are: the inventory refuses those
    /// that contradict each other as the snapshot parser does, naming the connection.
    @Test func libvirtDevicesThatContradictEachOtherAreRefused() throws {
        let cases: [(devices: [String], reason: String)] = [
            (
                [try SnapshotSourceTests.pci("0000:0b:00.0", named: "pci_0000_0a_00_0")],
                "device pci_0000_0a_00_0 is named for PCI address 0000:0a:00.0 but its PCI address is 0000:0b:00.0"
            ),
            (
                [
                    try SnapshotSourceTests.pci("0000:0b:00.0"),
                    try SnapshotSourceTests.pci("0000:0b:00.0", named: "pci_8086_1234"),
                ],
                "devices pci_0000_0b_00_0 and pci_8086_1234 have the same PCI address 0000:0b:00.0"
            ),
            (
                [try SnapshotSourceTests.pci("0000:0b:00.0", parent: "pci_0000_0b_00_0")],
                "device pci_0000_0b_00_0 is its own parent"
            ),
            (
                [
                    try SnapshotSourceTests.pci("0000:0a:00.0", group: 7, peers: ["0000:0b:00.0"]),
                    try SnapshotSourceTests.pci("0000:0b:00.0", group: 8),
                ],
                "device pci_0000_0a_00_0 lists pci_0000_0b_00_0 in IOMMU group 7, but pci_0000_0b_00_0 declares IOMMU group 8"
            ),
        ]
        for (devices, reason) in cases {
            try withScratchDirectory("inventory") { directory in
                try SnapshotSourceTests.node(devices).write(toFile: directory + "/host.xml")
                let uri = "test://" + directory + "/host.xml"
                #expect {
                    try InventorySource.libvirt(uri: uri).load()
                } throws: { error in
                    (error as? InventoryError)?.description == uri + ": " + reason
                }
            }
        }
    }

    @Test func malformedSnapshotNamesFileAndLine() throws {
        let path = "/tmp/hostdev-bad-snapshot-\(getpid()).xml"
        try "<node>\n  <device>\n    <name>pci_../../etc</name>\n  </device>\n</node>\n".write(toFile: path)
        defer { unlink(path) }
        #expect {
            try InventorySource.snapshot(path: path).load()
        } throws: { error in
            guard let error = error as? InventoryError else { return false }
            return error.code == .malformed && error.file == path && error.line == 3
        }
    }
}
