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
        let result = HostdevBinary.run(["detach", "pci_0000_01_00_0", "--connect", Repository.sampleHostURI])
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("does not support it"))
        let back = HostdevBinary.run(["reattach", "pci_0000_01_00_0", "--connect", Repository.sampleHostURI])
        #expect(back.status == 3)
        #expect(back.stderr.contains("virNodeDeviceReset"))
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
        #expect(
            DeviceAssignment.refusals(detaching: disk, inventory: inventory, force: false) == [
                .hostUse("pci_0000_02_00_0", ["/dev/nvme0n1p2 mounted on /"])
            ])
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
