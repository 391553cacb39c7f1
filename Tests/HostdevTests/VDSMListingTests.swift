import Foundation
import Hostdev
import Testing

/// The NFV and VDI sample host: a PF with VFs, a plain NIC, two vGPU parents, SCSI disks.
enum VDSMHost {
    static let path = Repository.root + "/Samples/hosts/vdsm-host.xml"
    static let inventory = Result { try InventorySource.snapshot(path: path).load() }

    /// The host without its `scsi_generic` devices, which libvirt 9.0's test driver refuses.
    static func testDriverFile(in directory: String) throws -> String {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let blocks = text.components(separatedBy: "    <device>\n")
        let kept = blocks.filter { !$0.contains("<capability type='scsi_generic'>") }
        let file = directory + "/vdsm-host-test-driver.xml"
        try kept.joined(separator: "    <device>\n").write(toFile: file, atomically: false, encoding: .utf8)
        return file
    }

    /// `hostdev list … --format json` as a dictionary of each device's params.
    static func params(_ arguments: [String]) throws -> [String: [String: Any]] {
        let result = HostdevBinary.run(["list", "--format", "json"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String: Any]]
        return try #require(object).compactMapValues { $0["params"] as? [String: Any] }
    }
}

@Suite("hostdev list: the fields VDSM reports")
struct VDSMListingTests {
    static let snapshot = ["--snapshot", VDSMHost.path]

    @Test func netDevicesCarryTheirInterface() throws {
        let params = try VDSMHost.params(Self.snapshot + ["--capability", "net"])
        #expect(params["net_enp3s0f0_90_e2_ba_2c_4d_10"]?["interface"] as? String == "enp3s0f0")
        #expect(params["net_eno1_d4_81_d7_5a_1b_2c"]?["interface"] as? String == "eno1")
    }

    @Test func scsiDevicesCarryProductVendorUdevAndBlockPaths() throws {
        let params = try VDSMHost.params(Self.snapshot + ["--capability", "scsi", "--capability", "storage"])
        let disk = try #require(params["scsi_0_0_0_0"])
        #expect(disk["product"] as? String == "Samsung SSD 870")
        #expect(disk["vendor"] as? String == "ATA")
        #expect(disk["udev_path"] as? String == "/dev/sg0")
        #expect(disk["block_path"] as? String == "/dev/sda")
        #expect(disk["is_assignable"] as? String == "true")
        let storage = try #require(params["block_sda"])
        #expect(storage["product"] as? String == "Samsung SSD 870" && storage["vendor"] as? String == "ATA")
        // A CD-ROM without a scsi_generic node: nothing to hand QEMU, so not assignable.
        let cdrom = try #require(params["scsi_0_0_1_0"])
        #expect(cdrom["udev_path"] == nil && cdrom["is_assignable"] as? String == "false")
    }

    @Test func physicalFunctionsCarryTotalVFsFromMaxCount() throws {
        let params = try VDSMHost.params(Self.snapshot + ["--capability", "pci"])
        #expect(params["pci_0000_03_00_0"]?["totalvfs"] as? Int == 63)
        #expect(params["pci_0000_03_10_2"]?["physfn"] as? String == "pci_0000_03_00_0")
        #expect(params["pci_0000_04_00_0"]?["totalvfs"] == nil)
    }

    @Test func mdevParentsCarryTheirTypes() throws {
        let params = try VDSMHost.params(Self.snapshot + ["--capability", "mdev_types"])
        #expect(params.keys.sorted() == ["pci_0000_81_00_0", "pci_0000_82_00_0"])
        let types = try #require(params["pci_0000_82_00_0"]?["mdev"] as? [String: [String: String]])
        #expect(types["nvidia-11"] == ["name": "GRID M60-0B", "available_instances": "16", "device_api": "vfio-pci"])
        #expect(types["nvidia-18"]?["available_instances"] == "2")
    }

    @Test func mdevInstancesAreDevicesWithTypeParentAndUUID() throws {
        let params = try VDSMHost.params(Self.snapshot + ["--capability", "mdev"])
        #expect(params.keys.sorted() == ["mdev_4b20d080_1b54_4048_85b3_a6a62d165c01"])
        let instance = try #require(params.values.first)
        #expect(instance["mdev_type"] as? String == "nvidia-11")
        #expect(instance["parent"] as? String == "pci_0000_81_00_0")
        #expect(instance["uuid"] as? String == "4b20d080-1b54-4048-85b3-a6a62d165c01")
        #expect(instance["iommu_group"] as? String == "40")
        let table = HostdevBinary.run(["list"] + Self.snapshot + ["--capability", "mdev"]).stdout
        #expect(table.contains("vdi-1 (off)") && table.contains("mdev type nvidia-11"), "\(table)")
        let json = HostdevBinary.run(["list", "--format", "json", "--capability", "mdev"] + Self.snapshot).stdout
        #expect(json.contains("\"vmId\" : \"9d7e2c4b-1a3f-4e5d-8c6b-7a8f9e0d1c2b\""), "\(json)")
    }

    @Test func theTestDriverGivesTheSameFieldsButForDrivers() throws {
        try withScratchDirectory("vdsm-list") { directory in
            let file = try VDSMHost.testDriverFile(in: directory)
            let viaLibvirt = try VDSMHost.params(["--connect", "test://" + file])
            let viaSnapshot = try VDSMHost.params(["--snapshot", file])
            #expect(viaLibvirt.keys.sorted() == viaSnapshot.keys.sorted())
            for key in [
                "pci_0000_81_00_0", "mdev_4b20d080_1b54_4048_85b3_a6a62d165c01", "block_sda", "pci_0000_03_00_0",
            ] {
                var left = try #require(viaLibvirt[key])
                var right = try #require(viaSnapshot[key])
                left["driver"] = nil
                right["driver"] = nil
                #expect(NSDictionary(dictionary: left) == NSDictionary(dictionary: right), "\(key)")
            }
        }
    }

    @Test func aSysfsTreeMirroringTheHostGivesTheSameListing() throws {
        let snapshot = try VDSMHost.inventory.get()
        let tree = try FakeSysfs(mirroring: snapshot)
        let fromSysfs = try InventorySource.sysfs(root: tree.root).load()
        #expect(fromSysfs.devices.map(\.name) == snapshot.devices.map(\.name))
        for (left, right) in zip(fromSysfs.devices, snapshot.devices) { #expect(left == right, "\(left.name)") }
        #expect(try SysfsSourceTests.params(fromSysfs) == SysfsSourceTests.params(snapshot))
    }

    @Test func sysfsGivesTotalVFsAndMdevDescriptions() throws {
        let tree = try FakeSysfs(mirroring: try VDSMHost.inventory.get())
        let gpu = tree.pathOfPCI(try PCIAddress(sysfsName: "0000:82:00.0"))
        try tree.write(gpu + "/mdev_supported_types/nvidia-11/description", "num_heads=2, frl_config=45\n")
        let pf = tree.pathOfPCI(try PCIAddress(sysfsName: "0000:03:00.0"))
        try tree.write(pf + "/sriov_totalvfs", "32\n")
        let params = try VDSMHost.params(["--sysfs", tree.root])
        let types = try #require(params["pci_0000_82_00_0"]?["mdev"] as? [String: [String: String]])
        #expect(types["nvidia-11"]?["description"] == "num_heads=2, frl_config=45")
        #expect(params["pci_0000_03_00_0"]?["totalvfs"] as? Int == 32)
    }
}

@Suite("Requests for listed devices that cannot be assigned")
struct NotAssignableRequestTests {
    static func refusal(_ device: String) throws -> String {
        let result = try TransformTests.transform(
            nil, #"[{"type":"hostdev","device":"\#(device)"}]"#, inventory: VDSMHost.inventory.get())
        #expect(result.xml == nil)
        return result.diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "\n")
    }

    @Test func aSCSIHostIsNotAssignableRatherThanMissing() throws {
        let message = try Self.refusal("scsi_host0")
        #expect(message.contains("scsi_host0 cannot be assigned: a scsi_host device is not assignable"))
        #expect(message.contains("[not-assignable]"))
        #expect(!message.contains("is not a host device"))
    }

    @Test func aSCSIDeviceWithoutScsiGenericIsRefusedAsVDSMRefusesIt() throws {
        let message = try Self.refusal("scsi_0_0_1_0")
        #expect(message.contains("scsi_0_0_1_0 cannot be assigned: it has no scsi_generic child (/dev/sgN)"))
    }

    @Test func anUnknownNameIsStillMissing() throws {
        #expect(try Self.refusal("scsi_9_0_0_0").contains("is not a host device"))
    }
}

@Suite("hostdev snapshot keeps VDSM's devices")
struct VDSMSnapshotTests {
    @Test func aSnapshotOfTheTreeReadsBackTheSame() throws {
        let snapshot = try VDSMHost.inventory.get()
        let tree = try FakeSysfs(mirroring: snapshot)
        let file = tree.root + "/snapshot.xml"
        let written = HostdevBinary.run(["snapshot", "--sysfs", tree.root, "-o", file])
        #expect(written.status == 0, "\(written.stderr)")
        let back = try InventorySource.snapshot(path: file).load()
        #expect(back.devices.map(\.name) == snapshot.devices.map(\.name))
        for (left, right) in zip(back.devices, snapshot.devices) { #expect(left == right, "\(left.name)") }
    }
}
