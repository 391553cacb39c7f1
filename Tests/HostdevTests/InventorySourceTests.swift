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
