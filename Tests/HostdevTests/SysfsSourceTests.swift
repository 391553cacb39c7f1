import Foundation
import Hostdev
import Testing

@Suite("Inventory from a sysfs tree")
struct SysfsSourceTests {
    static let sample = Result { try InventorySource.snapshot(path: Repository.sampleHost).load() }

    /// The VDSM JSON of every device, without owners (a sysfs tree has no domains).
    static func params(_ inventory: HostInventory) throws -> String {
        let devicesOnly = HostInventory(devices: inventory.devices, domains: [], origin: inventory.origin)
        return try DeviceListing(inventory: devicesOnly).vdsmJSON()
    }

    @Test func aTreeMirroringTheSampleHostGivesTheSameListing() throws {
        let sample = try Self.sample.get()
        let tree = try FakeSysfs(mirroring: sample)
        let fromSysfs = try InventorySource.sysfs(root: tree.root).load()
        #expect(fromSysfs.devices.map(\.name) == sample.devices.map(\.name))
        for (left, right) in zip(fromSysfs.devices, sample.devices) {
            #expect(left == right, "\(left.name)")
        }
        #expect(try Self.params(fromSysfs) == Self.params(sample))
    }

    @Test func bridgesAndDomainsAbove0xFFFFReadAsFromLibvirt() throws {
        let xml = InventorySourceTests.node(
            [
                try InventorySourceTests.pci(
                    "0000:00:1c.0", classCode: "0xffffff", group: 8, extra: "<capability type='pci-bridge'/>"),
                try InventorySourceTests.pci(
                    "0000:00:1d.0", group: 9, extra: "<capability type='cardbus-bridge'/>"),
                try InventorySourceTests.pci("0000:00:02.0", driver: "pcieport", classCode: "0x088000", group: 13),
                // An Intel VMD controller and the NVMe drive in its domain share its group.
                try InventorySourceTests.pci(
                    "0000:00:0e.0", driver: "vmd", classCode: "0x010400", group: 5, peers: ["10000:01:00.0"]),
                try InventorySourceTests.pci(
                    "10000:01:00.0", parent: "pci_0000_00_0e_0", driver: "nvme", classCode: "0x010802", group: 5,
                    peers: ["0000:00:0e.0"]),
            ].joined(separator: "\n"))
        let expected = try InventorySourceTests.bothWays(xml).snapshot
        let tree = try FakeSysfs(mirroring: expected)
        let fromSysfs = try InventorySource.sysfs(root: tree.root).load()
        #expect(fromSysfs.devices == expected.devices)
        #expect(fromSysfs.groupMembers(5).map(\.description) == ["0000:00:0e.0", "10000:01:00.0"])
        #expect(fromSysfs.devices.filter { $0.pci != nil && $0.isAssignable }.map(\.name) == ["pci_10000_01_00_0"])
    }

    @Test func anIOMMUGroupEntryThatIsNotAnAddressIsAnError() throws {
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        try tree.write("sys/kernel/iommu_groups/1/devices/0000:01:00.9", "")
        #expect {
            try InventorySource.sysfs(root: tree.root).load()
        } throws: { error in
            "\(error)".contains("iommu_groups/1/devices") && "\(error)".contains("'0000:01:00.9' is not a PCI address")
        }
    }

    @Test func aConfigTooShortForTheHeaderTypeIsAnError() throws {
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        let base = tree.pathOfPCI(try PCIAddress(sysfsName: "0000:01:00.0"))
        try tree.write(base + "/config", "short")
        #expect {
            try InventorySource.sysfs(root: tree.root).load()
        } throws: { error in
            "\(error)".contains("header type")
        }
    }

    @Test func readsHostFacts() throws {
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        try tree.vfioNode(group: 1, uid: 0, gid: 36, mode: 0o660)
        try tree.write("sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", "N\n")
        try tree.accounts(
            passwd: "root:x:0:0::/root:/bin/sh\nqemu:x:107:36::/:/sbin/nologin\n", group: "root:x:0:\nkvm:x:36:qemu\n")
        let facts = try InventorySource.sysfs(root: tree.root).load().facts
        #expect(facts.enabledIOMMUOptions == ["intel_iommu=on"])
        #expect(facts.registeredIOMMUs == ["dmar0"])
        #expect(facts.vfioContainerPresent == true && facts.vfioPCIDriverPresent == true)
        #expect(facts.vfioGroupNodes?[1] == FileNode(uid: 0, gid: 36, mode: 0o660))
        #expect(facts.allowUnsafeInterrupts == false)
        #expect(facts.accounts?.users["qemu"]?.uid == 107)
        #expect(facts.accounts?.groups[36]?.members == ["qemu"])
    }

    @Test func findsWhatTheHostUses() throws {
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        let nvme = try PCIAddress(sysfsName: "0000:02:00.0")
        try tree.blockDevice("nvme0n1", partition: "nvme0n1p2", on: nvme, mountedOn: "/")
        try tree.interface("enp3s0f0", up: true)
        let uses = try InventorySource.sysfs(root: tree.root).load().facts.hostUse ?? [:]
        #expect(uses[nvme] == ["/dev/nvme0n1p2 mounted on /"])
        #expect(uses[try PCIAddress(sysfsName: "0000:03:00.0")] == ["network interface enp3s0f0 is up"])
    }

    @Test func theLiveHostReads() throws {
        let inventory = try InventorySource.sysfs(root: "/").load()
        #expect(inventory.device(named: "computer") != nil)
    }

    @Test func aSymlinkLoopIsAClearError() throws {
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        let base = tree.pathOfPCI(try PCIAddress(sysfsName: "0000:01:00.0"))
        try FileManager.default.removeItem(atPath: tree.root + "/" + base + "/iommu_group")
        try FileManager.default.createSymbolicLink(
            atPath: tree.root + "/" + base + "/iommu_group", withDestinationPath: "iommu_group")
        #expect {
            try InventorySource.sysfs(root: tree.root).load()
        } throws: { error in
            "\(error)".contains("loop") && "\(error)".contains("0000:01:00.0")
        }
    }

    @Test func aLinkOutOfTheRootNeverLeavesIt() throws {
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        let base = tree.pathOfPCI(try PCIAddress(sysfsName: "0000:01:00.0"))
        // An absolute link is taken inside the root, as in a chroot: /etc/passwd here is ROOT/etc/passwd.
        try FileManager.default.removeItem(atPath: tree.root + "/" + base + "/vendor")
        try FileManager.default.createSymbolicLink(
            atPath: tree.root + "/" + base + "/vendor", withDestinationPath: "/etc/passwd")
        #expect {
            try InventorySource.sysfs(root: tree.root).load()
        } throws: { error in
            "\(error)".contains("no readable vendor")
        }
        let deep = String(repeating: "../", count: 40) + "etc/passwd"
        try FileManager.default.removeItem(atPath: tree.root + "/" + base + "/vendor")
        try FileManager.default.createSymbolicLink(
            atPath: tree.root + "/" + base + "/vendor", withDestinationPath: deep)
        #expect {
            try InventorySource.sysfs(root: tree.root).load()
        } throws: { error in
            "\(error)".contains("leads outside")
        }
    }

    @Test func anUnreadableFileIsAClearError() throws {
        guard getuid() != 0 else { return }  // root reads everything; the check needs an ordinary user
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        let base = tree.pathOfPCI(try PCIAddress(sysfsName: "0000:01:00.0"))
        chmod(tree.root + "/" + base + "/class", 0)
        #expect(throws: InventoryError.self) { try InventorySource.sysfs(root: tree.root).load() }
    }

    @Test func aDirectoryThatIsNotASysfsRootIsRefused() {
        #expect(throws: InventoryError.self) { try InventorySource.sysfs(root: "/nonexistent").load() }
    }
}
