import Hostdev
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("A snapshot is read one device at a time, with the errors of a whole read")
struct SnapshotSourceTests {
    static let device =
        "<device><name>usb_1_2</name><capability type='usb_device'><bus>1</bus><device>2</device>"
        + "</capability></device>"

    /// Loads `text` as a snapshot file.
    static func load(_ text: String) throws -> HostInventory {
        try withScratchDirectory("snapshot-source") { directory in
            let path = directory + "/host.xml"
            try text.write(toFile: path)
            return try InventorySource.snapshot(path: path).load()
        }
    }

    /// The error loading `text` gives.
    static func error(_ text: String) -> InventoryError? {
        do {
            _ = try load(text)
            return nil
        } catch {
            return error as? InventoryError
        }
    }

    @Test(arguments: [
        "<node xmlns='urn:example'>\(device)</node>",
        "<t:node xmlns:t='http://libvirt.org/schemas/domain/test/1.0'>\(device)</t:node>",
    ])
    func aRootNodeInANamespaceIsNotATestDriverFile(text: String) throws {
        let error = try #require(Self.error(text))
        #expect(error.code == .malformed)
        #expect(error.reason.contains("expected a test-driver <node> file") && error.reason.contains("xmlns"))
        #expect(error.line == 1 && error.column == 1)
    }

    @Test func anotherRootIsRefusedBeforeItsChildrenAreRead() throws {
        // The child would be an error of its own; the root's comes first.
        let error = try #require(Self.error("<domain>\n  <device><name>bad/name</name></device>\n</domain>"))
        #expect(error.reason == "expected a test-driver <node> file, found <domain>")
        #expect(error.line == 1)
    }

    @Test func theDocumentsXMLErrorComesBeforeADevicesError() throws {
        let text = "<node>\n  <device><name>bad/name</name></device>\n  \(Self.device)\n  <device>\n</node>\n"
        let error = try #require(Self.error(text))
        #expect(error.line == 5, "\(error)")
        #expect(!error.reason.contains("bad/name"))
    }

    @Test func theFirstBadDeviceIsTheOneReported() throws {
        let text =
            "<node>\n  \(Self.device)\n  <!-- c -->\n  \(Self.device)\n  <device><name>x/y</name></device>\n</node>"
        let error = try #require(Self.error(text))
        #expect(error.reason == "device usb_1_2 is listed twice")
        #expect(error.line == 4 && error.column == 3)
    }

    @Test func devicesAndDomainsAroundCommentsAndTextAreAllRead() throws {
        let domain =
            "<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>off</name>"
            + "<test:runstate>5</test:runstate></domain>"
        let second = Self.device.replacingOccurrences("usb_1_2", "usb_1_3")
            .replacingOccurrences("<device>2</device>", "<device>3</device>")
        let inventory = try Self.load(
            "<?xml version='1.0'?>\n<!-- host -->\n<node>text\(Self.device)<!-- between -->\(domain)\n\(second)</node>\n"
        )
        #expect(inventory.devices.map(\.name) == ["usb_1_2", "usb_1_3"])
        #expect(inventory.domains.map(\.name) == ["off"])
        #expect(inventory.domains.first?.isActive == false)
        #expect(
            inventory.domains.first?.xml
                == "<domain xmlns:test=\"http://libvirt.org/schemas/domain/test/1.0\" type=\"test\"><name>off</name>"
                + "<test:runstate>5</test:runstate></domain>")
    }

    // MARK: - Devices that contradict each other

    /// A `<node>` file of `devices`, one a line from line 3 (``InventorySourceTests/node(_:)``).
    static func node(_ devices: [String]) -> String { InventorySourceTests.node(devices.joined(separator: "\n")) }

    static func pci(
        _ address: String, named name: String? = nil, parent: String = "computer", group: Int? = nil,
        peers: [String] = []
    ) throws -> String {
        let device = try InventorySourceTests.pci(address, parent: parent, group: group, peers: peers)
        guard let name else { return device }
        let canonical = try PCIAddress(sysfsName: address).nodeDeviceName
        return device.replacingOccurrences("<name>\(canonical)</name>", "<name>\(name)</name>")
    }

    /// Each contradiction is an error at the later device it involves, naming both devices and the
    /// other's line: the file was listed as it said (a device under a name that is not its address,
    /// devices merged at one address) and its IOMMU groups merged.
    @Test func devicesThatContradictEachOtherAreRefused() throws {
        let cases: [(devices: [String], line: Int, reason: String)] = [
            (
                [try Self.pci("0000:0b:00.0", named: "pci_0000_0a_00_0")], 3,
                "device pci_0000_0a_00_0 is named for PCI address 0000:0a:00.0 but its PCI address is 0000:0b:00.0"
            ),
            (
                [
                    try Self.pci("0000:0b:00.0"),
                    Self.device.replacingOccurrences("usb_1_2", "pci_0000_0c_00_0"),
                ], 4,
                "device pci_0000_0c_00_0 is named for PCI address 0000:0c:00.0 but it is a usb_device device, not a PCI one"
            ),
            (
                // libvirt names PCI devices pci_VENDOR_PRODUCT on some backends: a name, not an address.
                [try Self.pci("0000:0b:00.0"), try Self.pci("0000:0b:00.0", named: "pci_8086_1234")], 4,
                "devices pci_0000_0b_00_0 (line 3) and pci_8086_1234 have the same PCI address 0000:0b:00.0"
            ),
            (
                [try Self.pci("0000:0b:00.0", parent: "pci_0000_0b_00_0")], 3,
                "device pci_0000_0b_00_0 is its own parent"
            ),
            (
                [
                    try Self.pci("0000:0a:00.0", parent: "pci_0000_0b_00_0"),
                    try Self.pci("0000:0b:00.0", parent: "pci_0000_0a_00_0"),
                ], 4,
                "devices pci_0000_0a_00_0 → pci_0000_0b_00_0 → pci_0000_0a_00_0 are each other's parents"
            ),
            (
                [
                    try Self.pci("0000:0a:00.0", group: 7, peers: ["0000:0b:00.0"]),
                    try Self.pci("0000:0b:00.0", group: 8),
                ],
                4,
                "device pci_0000_0a_00_0 (line 3) lists pci_0000_0b_00_0 in IOMMU group 7, but pci_0000_0b_00_0 declares IOMMU group 8"
            ),
            (
                [
                    try Self.pci("0000:0b:00.0", group: 8),
                    try Self.pci("0000:0a:00.0", group: 7, peers: ["0000:0b:00.0"]),
                ],
                4,
                "device pci_0000_0a_00_0 lists pci_0000_0b_00_0 (line 3) in IOMMU group 7, but pci_0000_0b_00_0 (line 3) declares IOMMU group 8"
            ),
        ]
        for (devices, line, reason) in cases {
            let error = try #require(Self.error(Self.node(devices)), "\(reason)")
            #expect(error.code == .malformed)
            #expect(error.reason == reason)
            #expect(error.file?.hasSuffix("/host.xml") == true && error.line == line && error.column == 1)
        }
    }

    /// A device of another file, a member no device describes and a member without a group deny
    /// nothing; a group every member of which lists the same members loads as before.
    @Test func devicesThatAgreeAreRead() throws {
        let inventory = try Self.load(
            Self.node([
                try Self.pci("0000:0a:00.0", group: 7, peers: ["0000:0b:00.0", "0000:0c:00.0", "0000:0d:00.0"]),
                try Self.pci("0000:0b:00.0", group: 7, peers: ["0000:0a:00.0", "0000:0c:00.0", "0000:0d:00.0"]),
                try Self.pci("0000:0c:00.0"),
                try Self.pci("0000:0e:00.0", named: "pci_8086_1234", parent: "pci_0000_0a_00_0", group: 9),
            ]))
        #expect(
            inventory.groupMembers(7).map(\.description) == [
                "0000:0a:00.0", "0000:0b:00.0", "0000:0c:00.0", "0000:0d:00.0",
            ])
        #expect(inventory.device(named: "pci_8086_1234")?.pci?.address.description == "0000:0e:00.0")
    }
}
