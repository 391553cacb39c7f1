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

    /// A device whose `iommu_group` link names another group than the group that lists it: the
    /// groups were merged, as from a snapshot; the inventory refuses it as it refuses a snapshot's.
    @Test func aDeviceInAnotherGroupThanTheGroupListingItIsAnError() throws {
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        let audio = try PCIAddress(sysfsName: "0000:01:00.1")
        try tree.directory("sys/kernel/iommu_groups/90/devices")
        try tree.link(tree.pathOfPCI(audio), at: "sys/kernel/iommu_groups/90/devices/0000:01:00.1")
        try tree.link("sys/kernel/iommu_groups/90", at: tree.pathOfPCI(audio) + "/iommu_group")
        #expect {
            try InventorySource.sysfs(root: tree.root).load()
        } throws: { error in
            (error as? InventoryError)?.description
                == "sysfs \(tree.root): device pci_0000_00_01_0 lists pci_0000_01_00_1 in IOMMU group 1, "
                + "but pci_0000_01_00_1 declares IOMMU group 90"
        }
    }

    @Test(arguments: [
        ("sys", "", "sys/bus does not exist: not a sysfs root"),
        ("sys", "/nowhere", "sys is there but does not lead to a directory"),
        ("sys/bus/pci/devices", "/nowhere", "sys/bus/pci/devices is there but does not lead to a directory"),
    ])
    func aRootThatIsNotASysfsTreeIsAnErrorNotAnEmptyHost(path: String, link: String, message: String) throws {
        withScratchDirectory("not-sysfs") { root in
            let parent = (root + "/" + path).split(separator: "/").dropLast().joined(separator: "/")
            #expect(system("mkdir -p '/\(parent)'") == 0)
            if link.isEmpty {
                #expect(mkdir(root + "/" + path, 0o755) == 0)
            } else {
                #expect(symlink(link, root + "/" + path) == 0)
            }
            #expect {
                try InventorySource.sysfs(root: root).load()
            } throws: { "\($0)".contains(root + "/" + message) }
        }
    }

    @Test func aUSBDeviceWithoutAnAddressIsAnError() throws {
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        try FileManager.default.removeItem(atPath: tree.root + "/sys/bus/usb/devices/1-3/busnum")
        #expect {
            try InventorySource.sysfs(root: tree.root).load()
        } throws: { error in
            "\(error)".contains("1-3 has no readable busnum and devnum")
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

    @Test func aPCIIDsFileLargerThanOneMebibyteIsReadWhole() throws {
        let sample = try Self.sample.get()
        let tree = try FakeSysfs(mirroring: sample)
        let path = tree.root + "/usr/share/misc/pci.ids"
        let entries = try String(contentsOfFile: path, encoding: .utf8)
        // Debian's pci.ids is 1.36 MB; the sample's vendors come last, as later vendors do there.
        let padding = String(repeating: "ffff  Filler vendor\n\tffff  Filler device\n", count: 40_000)
        try tree.write("usr/share/misc/pci.ids", "# pci.ids\n" + padding + entries)
        #expect(padding.utf8.count > 1 << 20)
        let gpu = try #require(try InventorySource.sysfs(root: tree.root).load().device(named: "pci_0000_01_00_0"))
        #expect(gpu.pci?.productName == sample.device(named: "pci_0000_01_00_0")?.pci?.productName)
        #expect(gpu.pci?.vendorName == "NVIDIA Corporation")
        // Bounded: past 16 MiB it is an error naming the file, not a silent cut.
        let huge = String(repeating: "# comment line of the database, repeated to pass the bound\n", count: 300_000)
        try tree.write("usr/share/misc/pci.ids", huge)
        #expect {
            try InventorySource.sysfs(root: tree.root).load()
        } throws: { error in
            "\(error)".contains("pci.ids is larger than 16 MiB")
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

    @Test func everyKindOfDeviceIsRead() throws {
        // On a fake tree with one device of each kind libvirt lists (never the real /sys).
        try BeyondPCITests.host { file, tree in
            let inventory = try InventorySource.sysfs(root: tree.root).load()
            let expected = try InventorySource.snapshot(path: file).load()
            #expect(
                Set(inventory.devices.map(\.capability)) == [
                    "system", "pci", "storage", "net", "scsi_host", "scsi_target", "scsi", "drm", "usb_device", "usb",
                ])
            #expect(inventory.devices.map(\.name) == expected.devices.map(\.name))
        }
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

    @Test func aDeviceDirectoryThatIsALinkIsReadThroughIt() throws {
        // The kernel never links a device directory itself; a tree that does is read through the
        // link, as any path is (the device at the directory the link leads to, beside the link, so
        // its own relative links still hold).
        let sample = try Self.sample.get()
        let tree = try FakeSysfs(mirroring: sample)
        let link = tree.root + "/" + tree.pathOfPCI(try PCIAddress(sysfsName: "0000:01:00.0"))
        let device = URL(fileURLWithPath: link).resolvingSymlinksInPath().path
        #expect(device != link)
        let moved = (device as NSString).deletingLastPathComponent + "/moved"
        try FileManager.default.moveItem(atPath: device, toPath: moved)
        try FileManager.default.createSymbolicLink(atPath: device, withDestinationPath: "moved")
        let fromSysfs = try InventorySource.sysfs(root: tree.root).load()
        #expect(fromSysfs.devices.map(\.name) == sample.devices.map(\.name))
        #expect(try Self.params(fromSysfs) == Self.params(sample))
    }

    @Test func anUnreadableFileIsAClearError() throws {
        // A directory where the kernel puts a file: unreadable for root too.
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        let base = tree.pathOfPCI(try PCIAddress(sysfsName: "0000:01:00.0"))
        try FileManager.default.removeItem(atPath: tree.root + "/" + base + "/class")
        try tree.directory(base + "/class")
        #expect {
            try InventorySource.sysfs(root: tree.root).load()
        } throws: { error in
            "\(error)".contains("cannot read \(tree.root)/sys/bus/pci/devices/0000:01:00.0/class: Is a directory")
        }
    }

    @Test func aFileSwappedForALinkWhileItIsReadIsNeverFollowedOutOfTheRoot() throws {
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        try withScratchDirectory("outside") { outside in
            try "SECRET outside the root\n".write(toFile: outside + "/secret", atomically: false, encoding: .utf8)
            let swapper = Swapper(path: tree.root + "/proc/cmdline", link: outside + "/secret")
            swapper.start()
            defer { swapper.stop() }
            var read = 0
            for _ in 0..<300 {
                guard let facts = try? InventorySource.sysfs(root: tree.root).load().facts else { continue }
                read += 1
                #expect(!(facts.kernelCommandLine ?? "").contains("SECRET"))
            }
            #expect(read > 0)
        }
    }

    @Test func aDirectoryThatIsNotASysfsRootIsRefused() {
        #expect(throws: InventoryError.self) { try InventorySource.sysfs(root: "/nonexistent").load() }
    }
}

/// Exchanges a file with a symbolic link and back, as fast as it can, on a thread of its own.
final class Swapper: @unchecked Sendable {
    private let path: String
    private let target: String
    private let lock = NSLock()
    private var running = true
    private var thread: Thread?

    init(path: String, link target: String) {
        self.path = path
        self.target = target
    }

    func start() {
        // Hard links to a kept file and a kept link, renamed over the path in turn: two system
        // calls per swap, a file half of the time and a link the other half.
        let file = path + ".file"
        let pointer = path + ".link"
        let staged = path + ".staged"
        Glibc.link(path, file)
        symlink(target, pointer)
        let thread = Thread { [self] in
            var swaps = 0
            while swaps % 1024 != 0 || lock.withLock({ running }) {
                linkat(AT_FDCWD, swaps % 2 == 0 ? pointer : file, AT_FDCWD, staged, 0)
                rename(staged, path)
                swaps += 1
            }
        }
        self.thread = thread
        thread.start()
    }

    func stop() {
        lock.withLock { running = false }
        while thread?.isFinished == false { usleep(1000) }
        // The thread's closure holds this swapper: drop the thread so neither outlives the test.
        thread = nil
    }
}
