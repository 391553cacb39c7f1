import Hostdev
import Testing

@Suite("PCI addresses and device names")
struct PCIAddressTests {
    @Test(arguments: [
        ("0x0000", "0x01", "0x00", "0x0", "0000:01:00.0"),
        ("0", "1", "0", "0", "0000:01:00.0"),
        ("0x0001", "0xff", "0x1f", "0x7", "0001:ff:1f.7"),
        ("010", "0x0A", "017", "07", "0008:0a:0f.7"),
    ])
    func readsAnyBaseAndWritesCanonically(domain: String, bus: String, slot: String, function: String, expected: String)
        throws
    {
        let address = try PCIAddress(domain: domain, bus: bus, slot: slot, function: function)
        #expect(address.description == expected)
    }

    @Test func writesLibvirtsCanonicalAttributes() throws {
        let address = try PCIAddress(domain: "0", bus: "1", slot: "0x1f", function: "3")
        #expect(address.xmlAttributes.map(\.1) == ["0x0000", "0x01", "0x1f", "0x3"])
        #expect(address.nodeDeviceName == "pci_0000_01_1f_3")
    }

    @Test(arguments: [
        ("0x0000", "0x1ff", "0x00", "0x0"),
        ("0x0000", "0x01", "0x20", "0x0"),
        ("0x0000", "0x01", "0x00", "0x8"),
        ("0x0000", "-1", "0x00", "0x0"),
        ("0x0000", "0x1ffffffffffffffff", "0x00", "0x0"),
        ("0x100000000", "0x01", "0x00", "0x0"),
        ("0x0000", "", "0x00", "0x0"),
        ("0x0000", "0xzz", "0x00", "0x0"),
        ("0x0000", " 1", "0x00", "0x0"),
    ])
    func refusesOutOfRangeAndMalformed(domain: String, bus: String, slot: String, function: String) {
        #expect(throws: AddressError.self) {
            try PCIAddress(domain: domain, bus: bus, slot: slot, function: function)
        }
    }

    @Test func domainsAboveFFFFAreNamedAsLibvirtAndTheKernelNameThem() throws {
        let vmd = try PCIAddress(domain: "0x10000", bus: "0x01", slot: "0x00", function: "0x0")
        #expect(vmd.nodeDeviceName == "pci_10000_01_00_0")
        #expect(vmd.description == "10000:01:00.0")
        #expect(vmd.xmlAttributes.map(\.1) == ["0x10000", "0x01", "0x00", "0x0"])
        #expect(try PCIAddress(sysfsName: "10000:01:00.0") == vmd)
        #expect(try DeviceName("pci_10000_01_00_0").pciAddress == vmd)
        #expect(try PCIAddress(sysfsName: "ffffffff:ff:1f.7").domain == 0xffff_ffff)
        #expect(throws: AddressError.self) { try PCIAddress(sysfsName: "010000:01:00.0") }
        #expect(throws: AddressError.self) { try PCIAddress(sysfsName: "100000000:01:00.0") }
        #expect(try DeviceName("pci_010000_01_00_0").pciAddress == nil)
    }

    @Test func parsesKernelNames() throws {
        #expect(try PCIAddress(sysfsName: "0000:3b:1f.7").nodeDeviceName == "pci_0000_3b_1f_7")
        #expect(throws: AddressError.self) { try PCIAddress(sysfsName: "0000:3b:1f") }
        #expect(throws: AddressError.self) { try PCIAddress(sysfsName: "../../etc") }
    }

    @Test func parsesDeviceNames() throws {
        #expect(try DeviceName("pci_0000_01_00_0").pciAddress?.description == "0000:01:00.0")
        #expect(try DeviceName("usb_1_3") == .other("usb_1_3"))
        #expect(try DeviceName("computer") == .other("computer"))
    }

    @Test(arguments: [
        "pci_../../etc/passwd", "/etc/passwd", "pci_0000_01_00_0\u{0}", "", "usb 1 3", "../x",
        String(repeating: "a", count: 300), "pci_0000_01_00_0/../../x", "_hidden",
    ])
    func refusesNamesThatCouldReachAPath(name: String) {
        #expect(throws: AddressError.self) { try DeviceName(name) }
    }

    @Test func refusesPCINamesOutOfRange() {
        #expect(throws: AddressError.self) { try DeviceName("pci_0000_01_20_0") }
        #expect(throws: AddressError.self) { try DeviceName("pci_0000_01_00_8") }
    }
}
