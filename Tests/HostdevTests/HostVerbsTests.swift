import Foundation
import Hostdev
import Testing

@Suite("caps, detach, reattach and snapshot")
struct HostVerbsTests {
    static let sample = Result { try InventorySource.snapshot(path: Repository.sampleHost).load() }

    @Test(arguments: [
        ("BOOT_IMAGE=/vmlinuz ro intel_iommu=on", "intel_iommu=on"), ("ro amd_iommu=on quiet", "amd_iommu=on"),
        ("ro iommu=on", "iommu=on"), ("ro quiet iommu=pt", nil), ("ro intel_iommu=off", nil),
    ])
    func capsReadsTheKernelCommandLine(commandLine: String, expected: String?) throws {
        let tree = try FakeSysfs(mirroring: try Self.sample.get(), commandLine: commandLine)
        let result = HostdevBinary.run(["caps", "--sysfs", tree.root, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        // The verdict follows the IOMMU the tree shows; the command line is evidence beside it.
        #expect(result.stdout.contains("\"hostPassthrough\" : true"))
        #expect(
            result.stdout.contains(
                expected.map { "\"kernelIOMMUOptions\" : [\n    \"\($0)\"" } ?? "\"kernelIOMMUOptions\" : [\n\n  ]"))
        #expect(result.stdout.contains("\"iommuGroups\" : 13"))
        #expect(result.stdout.contains("\"vfioContainer\" : true"))
    }

    @Test func capsSaysWhatASourceCannotSee() {
        let result = HostdevBinary.run(["caps", "--snapshot", Repository.sampleHost])
        #expect(result.status == 0)
        #expect(result.stdout.contains("IOMMU registered: unknown from this source"))
    }

    @Test func detachOnTheTestDriverSaysItCannot() {
        // The test driver shows neither what the host uses nor drivers: both guards refuse, and
        // only --force reaches libvirt, which cannot detach on this driver.
        let result = HostdevBinary.run(["detach", "pci_0000_01_00_0", "--connect", Repository.sampleHostURI])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot tell whether the host uses pci_0000_01_00_0"))
        let forced = HostdevBinary.run([
            "detach", "pci_0000_01_00_0", "--connect", Repository.sampleHostURI, "--force",
        ])
        let dryRun = HostdevBinary.run([
            "detach", "pci_0000_01_00_0", "--connect", Repository.sampleHostURI, "--force", "--dry-run",
        ])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout == "would detach pci_0000_01_00_0 (bind it to vfio-pci)\n")
        #expect(forced.status == 3)
        #expect(forced.stdout.isEmpty)
        #expect(forced.stderr.contains("does not support it"))
        let back = HostdevBinary.run([
            "reattach", "pci_0000_01_00_0", "--connect", Repository.sampleHostURI, "--force",
        ])
        #expect(back.status == 3)
        #expect(back.stderr.contains("virNodeDeviceReset"))
    }

    @Test func reattachRefusesWhatItCannotSeeIsDetachedBeforeAnyLibvirtCall() {
        // libvirt would answer 3 (no support); 1 proves the guard refused first.
        let result = HostdevBinary.run(["reattach", "pci_0000_01_00_0", "--connect", Repository.sampleHostURI])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("cannot tell what pci_0000_01_00_0 is bound to"))
        #expect(result.stderr.contains("[not-detached]") || result.stderr.contains("--force overrides this guard"))
        let dryRun = HostdevBinary.run([
            "reattach", "pci_0000_01_00_0", "--connect", Repository.sampleHostURI, "--force", "--dry-run",
        ])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout == "would reattach pci_0000_01_00_0 (reset first)\n")
    }

    @Test func reattachRefusesADeviceOfARunningDomainEvenForced() {
        let result = HostdevBinary.run([
            "reattach", "pci_0000_03_10_0", "--connect", Repository.sampleHostURI, "--force",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("pci_0000_03_10_0 belongs to running domain 'nfv-router'"))
    }

    @Test func reattachRefusesADeviceTheHostsOwnDriverHas() throws {
        let inventory = try Self.sample.get()
        let nic = try #require(inventory.device(named: "pci_0000_00_16_0"))
        let refusals = DeviceAssignment.refusals(reattaching: nic, inventory: inventory)
        #expect(refusals.map(\.rule) == ["not-detached"])
        #expect(refusals[0].message == "pci_0000_00_16_0 is not detached: the host's driver mei_me has it")
        #expect(DeviceAssignment.refusals(reattaching: nic, inventory: inventory, force: true).isEmpty)
        let vf = try #require(inventory.device(named: "pci_0000_03_10_0"))
        #expect(
            DeviceAssignment.refusals(reattaching: vf, inventory: inventory, force: true).map(\.rule) == [
                "owned-by-other-domain"
            ])
    }

    @Test func detachRefusesWhenWhatTheHostUsesCannotBeRead() throws {
        let session = try AssignmentSession(uri: Repository.sampleHostURI, hostUseRoot: "/nonexistent-hostdev-root")
        #expect(session.inventory.facts.hostUse == nil)
        #expect {
            try session.detach([try DeviceName("pci_0000_01_00_0")], dryRun: true)
        } throws: { error in
            guard case AssignmentError.refused(let findings) = error else { return false }
            return findings.map(\.rule) == ["host-device-in-use"]
                && findings[0].message.hasPrefix("cannot tell whether the host uses pci_0000_01_00_0")
        }
        #expect(
            try session.detach([try DeviceName("pci_0000_01_00_0")], force: true, dryRun: true) == [
                "would detach pci_0000_01_00_0 (bind it to vfio-pci)"
            ])
    }

    @Test(arguments: [
        ("qemu:///system", true), ("qemu:///session", true), ("lxc:///", true), ("test:///default", false),
        ("qemu+ssh://host/system", false), ("qemu://host/system", false),
    ])
    func aLocalConnectionIsThisHost(uri: String, local: Bool) {
        #expect(HostInventory.isLocal(uri: uri) == local)
    }

    @Test func hostUseReadFromARootOrUnknown() throws {
        let sample = try Self.sample.get()
        let tree = try FakeSysfs(mirroring: sample)
        let nvme = try PCIAddress(sysfsName: "0000:02:00.0")
        try tree.blockDevice("nvme0n1", partition: "nvme0n1p2", on: nvme, mountedOn: "/")
        let read = sample.readingHostUse(fromSysfs: tree.root)
        #expect(read.facts.hostUse?[nvme]?.contains { $0.contains("mounted on /") } == true)
        #expect(read.devices == sample.devices)
        let unreadable = read.readingHostUse(fromSysfs: "/nonexistent-hostdev-root")
        #expect(unreadable.facts.hostUse == nil)
    }

    @Test func aMountWhoseBlockDeviceCannotBeResolvedIsUnknownUse() throws {
        let sample = try Self.sample.get()
        let tree = try FakeSysfs(mirroring: sample)
        let nvme = try PCIAddress(sysfsName: "0000:02:00.0")
        try tree.blockDevice("nvme0n1", partition: "nvme0n1p2", on: nvme, mountedOn: "/")
        // /sys/class/block made a link loop: whether the mounted device is a block device of the
        // host cannot be told, so what the host uses is unknown, never "nothing".
        let block = tree.root + "/sys/class/block"
        #expect(system("rm -rf '\(block)' && ln -s block '\(block)'") == 0)
        #expect(sample.readingHostUse(fromSysfs: tree.root).facts.hostUse == nil)
    }

    @Test func detachReadsWhatTheHostUsesFromItsRoot() throws {
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        let nvme = try PCIAddress(sysfsName: "0000:02:00.0")
        try tree.blockDevice("nvme0n1", partition: "nvme0n1p2", on: nvme, mountedOn: "/")
        let session = try AssignmentSession(uri: Repository.sampleHostURI, hostUseRoot: tree.root)
        #expect {
            try session.detach([.pci(nvme)], dryRun: true)
        } throws: { error in
            guard case AssignmentError.refused(let findings) = error else { return false }
            return findings.count == 1 && findings[0].message.contains("mounted on /")
        }
    }

    @Test func detachRefusesBridgesAndDevicesOfRunningDomains() {
        let result = HostdevBinary.run([
            "detach", "pci_0000_00_01_0", "pci_0000_03_10_0", "--connect", Repository.sampleHostURI,
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("pci_0000_00_01_0 cannot be assigned: it is a PCI bridge"))
        #expect(result.stderr.contains("pci_0000_03_10_0 belongs to running domain 'nfv-router'"))
    }

    @Test(arguments: ["pci_../../etc/passwd", "/dev/sda", "pci_0000_01_00_0/../x"])
    func detachRefusesNamesThatAreNotNames(name: String) {
        let result = HostdevBinary.run(["detach", name, "--connect", Repository.sampleHostURI])
        #expect(result.status == 2)
        #expect(result.stderr.contains("is not a libvirt node-device name"))
    }

    @Test func theHostUseGuardYieldsToForceAndNothingElseDoes() throws {
        let base = try Self.sample.get()
        let nvme = try PCIAddress(sysfsName: "0000:02:00.0")
        var facts = base.facts
        facts.hostUse = [nvme: ["/dev/nvme0n1p2 mounted on /"]]
        let inventory = HostInventory(devices: base.devices, domains: base.domains, facts: facts, origin: base.origin)
        let disk = try #require(inventory.device(at: nvme))
        let refusals = DeviceAssignment.refusals(detaching: disk, inventory: inventory, force: false)
        #expect(refusals.map(\.rule) == ["host-device-in-use"])
        #expect(refusals.first?.message == "the host itself uses pci_0000_02_00_0: /dev/nvme0n1p2 mounted on /")
        #expect(
            refusals.first?.fixIt?.message.contains("move what the host runs on pci_0000_02_00_0 elsewhere") == true)
        #expect(DeviceAssignment.refusals(detaching: disk, inventory: inventory, force: true).isEmpty)
        let owned = try #require(inventory.device(named: "pci_0000_03_10_0"))
        #expect(!DeviceAssignment.refusals(detaching: owned, inventory: inventory, force: true).isEmpty)
    }

    @Test func aSnapshotReadsBackTheSameWayTwice() throws {
        let path = NSTemporaryDirectory() + "hostdev-snapshot-\(getpid()).xml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let written = HostdevBinary.run(["snapshot", "--snapshot", Repository.sampleHost, "-o", path])
        #expect(written.status == 0, "\(written.stderr)")
        let original = HostdevBinary.run(["list", "--snapshot", Repository.sampleHost, "--format", "json"]).stdout
        #expect(HostdevBinary.run(["list", "--snapshot", path, "--format", "json"]).stdout == original)
        let viaLibvirt = HostdevBinary.run(["list", "--connect", "test://" + path, "--domain", "nfv-router"])
        #expect(viaLibvirt.status == 0 && viaLibvirt.stdout.contains("pci_0000_03_10_0"))
    }

    @Test func aSysfsSnapshotOpensInTheTestDriver() throws {
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        let path = tree.root + "/snapshot.xml"
        #expect(HostdevBinary.run(["snapshot", "--sysfs", tree.root, "-o", path]).status == 0)
        let listed = HostdevBinary.run(["list", "--connect", "test://" + path, "--capability", "pci"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("GA102 [GeForce RTX 3090]"))
    }
}

/// libvirt's own node-device test data, when `HOSTDEV_CORPUS` names the corpus folder
/// (`../shared/corpus/libvirt-9.0.0`): every PCI file parses with its group, SR-IOV relations and
/// NUMA node; files meant to be rejected are.
@Suite("Node-device conformance", .enabled(if: ProcessInfo.processInfo.environment["HOSTDEV_CORPUS"] != nil))
struct NodeDeviceConformanceTests {
    static var folder: String { (ProcessInfo.processInfo.environment["HOSTDEV_CORPUS"] ?? "") + "/nodedevs" }

    @Test func everyPCIFileParses() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder).filter { $0.hasPrefix("pci_") }
            .sorted()
        #expect(names.count >= 15)
        for name in names {
            let document =
                "<node>" + (try String(contentsOfFile: Self.folder + "/" + name, encoding: .utf8)) + "</node>"
            let path = NSTemporaryDirectory() + "hostdev-conformance-\(getpid()).xml"
            try document.write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let text = try String(contentsOfFile: Self.folder + "/" + name, encoding: .utf8)
            // One file carries <bus>4294967295</bus>, (unsigned) -1, which no PCI device can have: it
            // must be refused with a clear error rather than read as some other bus.
            if text.contains("<bus>4294967295</bus>") {
                #expect(throws: InventoryError.self) { try InventorySource.snapshot(path: path).load() }
                continue
            }
            let inventory = try InventorySource.snapshot(path: path).load()
            guard text.contains("<capability type='pci'>") else { continue }
            let device = try #require(inventory.devices.first { $0.pci != nil }, "\(name)")
            if text.contains("<iommuGroup") { #expect(device.pci?.iommuGroup != nil, "\(name)") }
            if text.contains("phys_function") { #expect(device.pci?.physicalFunction != nil, "\(name)") }
            if text.contains("virt_functions'>\n      <address") || text.contains("maxCount") {
                #expect(device.pci?.totalVFs != nil || !(device.pci?.virtualFunctions.isEmpty ?? true), "\(name)")
            }
            if text.contains("<numa node") { #expect(device.pci?.numaNode != nil, "\(name)") }
        }
    }
}
