import Foundation
import Hostdev
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What libvirt or a planted file can do to the hook: a name that looks like an option, links where
/// the hook keeps its records, a release the kernel refuses, a hostdev whose address cannot be read,
/// a huge domain for an operation the hook ignores.
@Suite("The QEMU hook takes libvirt's arguments as they are and keeps its records inside the root")
struct QEMUHookSafetyTests {
    typealias Hook = QEMUHookTests

    /// The sample host as a sysfs tree the hook can bind in; with `rootNVMe`, the NVMe at 02:00.0
    /// holds the host's root file system.
    static func tree(rootNVMe: Bool = false) throws -> FakeSysfs {
        let inventory = try Hook.sample.get()
        let tree = try FakeSysfs(mirroring: inventory)
        try tree.bindingAttributes(inventory)
        if rootNVMe {
            try tree.blockDevice(
                "nvme0n1", partition: "nvme0n1p2", on: try PCIAddress(sysfsName: "0000:02:00.0"), mountedOn: "/")
        }
        return tree
    }

    @Test func aDomainNamedLikeAnOptionIsStillChecked() throws {
        let tree = try Self.tree(rootNVMe: true)
        for name in ["--help", "-h", "--version", "--sysfs=elsewhere"] {
            let result = HostdevBinary.run(
                ["hook", "--sysfs", tree.root, "--", name, "prepare", "begin", "-"], stdin: Hook.rootNVMeDomain)
            #expect(result.status == 1, "\(name)")
            #expect(
                result.stderr.contains("domain '\(name)' refused: the host itself uses pci_0000_02_00_0"), "\(name)")
        }
        // The installed hook passes libvirt's arguments after "--".
        let script = try #require(readFile(Repository.root + "/scripts/libvirt-hook.sh"))
        #expect(script.contains(#"hostdev hook -- "$@""#))
    }

    @Test func aLinkWhereTheHookKeepsItsRecordsIsNotFollowed() throws {
        let tree = try Self.tree()
        try withScratchDirectory("hook-outside") { outside in
            try tree.directory("run")
            #expect(symlink(outside, tree.root + "/run/hostdev") == 0)
            let kernel = SimulatedKernel(tree: tree, hostDrivers: Hook.hostDrivers)
            let outcome = QEMUHook(root: tree.root, writer: kernel).run(
                domain: "web-server", operation: "prepare", subOperation: "begin",
                domainXML: try Hook.markedGPUDomain())
            #expect(outcome.exitCode == 1)
            #expect(outcome.messages.first?.contains("run/hostdev: a symbolic link; not followed") == true)
            #expect(kernel.writes.isEmpty)
            #expect(WriteFixture.entries(outside).isEmpty)
        }
    }

    @Test func aReleaseTheKernelRefusesKeepsTheRecordForTheNextRelease() throws {
        let tree = try Self.tree()
        let kernel = SimulatedKernel(tree: tree, hostDrivers: Hook.hostDrivers)
        let hook = QEMUHook(root: tree.root, writer: kernel)
        let xml = try Hook.markedGPUDomain()
        let record = tree.root + "/run/hostdev/qemu/web-server.devices"
        #expect(
            hook.run(domain: "web-server", operation: "prepare", subOperation: "begin", domainXML: xml).exitCode == 0)
        let unbind = tree.root + "/sys/bus/pci/drivers/vfio-pci/unbind"
        #expect(unlink(unbind) == 0)
        let failed = hook.run(domain: "web-server", operation: "release", subOperation: "end", domainXML: xml)
        #expect(failed.exitCode == 1)
        #expect(failed.changed.isEmpty)
        #expect(failed.messages.last?.contains("kept in \(record) for the next release") == true)
        #expect(readFile(record) == "0000:01:00.0 nvidia\n0000:01:00.1 snd_hda_intel\n")
        try "".write(toFile: unbind)
        let again = hook.run(domain: "web-server", operation: "release", subOperation: "end", domainXML: xml)
        #expect(again == .init(exitCode: 0, messages: [], changed: ["pci_0000_01_00_0", "pci_0000_01_00_1"]))
        #expect(readFile(record) == nil)
        #expect(tree.driver(of: "0000:01:00.0") == "nvidia")
    }

    @Test(arguments: [
        "<address domain='0x0000' bus='0x01' slot='0x00'/>",
        "<address domain='0x0000' bus=' 0x01' slot='0x00' function='0x0'/>",
        "<address domain='-0x0' bus='0x01' slot='0x00' function='0x0'/>",
    ])
    func aHostdevWhoseAddressCannotBeReadIsRefused(address: String) throws {
        let tree = try Self.tree()
        let before = tree.state
        let domain = Hook.rootNVMeDomain.replacingOccurrences(
            of: "<address domain='0x0000' bus='0x02' slot='0x00' function='0x0'/>", with: address)
        #expect(domain != Hook.rootNVMeDomain)
        let result = Hook.hook(["vm", "prepare", "begin", "-"], root: tree.root, stdin: domain)
        #expect(result.status == 1)
        #expect(result.stderr.contains("[pci-address-invalid]"), "\(result.stderr)")
        #expect(tree.state == before)
    }

    @Test func anOperationTheHookIgnoresSucceedsWhateverTheDomainsSize() throws {
        let inventory = try Hook.sample.get()
        let tree = try FakeSysfs(mirroring: inventory)
        // 40 MB: more than any domain the hook reads (32 MiB).
        let huge = "<domain><description>" + String(repeating: "x", count: 40 << 20) + "</description></domain>"
        let result = HostdevBinary.bounded(
            ["hook", "--sysfs", tree.root, "--", "big", "start", "begin", "-"], stdin: huge)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
    }

    @Test func aPrepareWaitsForAnotherHookRunToFinish() throws {
        let tree = try Self.tree(rootNVMe: true)
        try tree.directory("run/hostdev")
        // Another hook run holds the lock: this one waits (and is stopped by the timeout).
        let held = open(tree.root + "/run/hostdev", O_RDONLY | O_DIRECTORY)
        #expect(held >= 0 && flock(held, LOCK_EX) == 0)
        let waiting = HostdevBinary.bounded(
            ["hook", "--sysfs", tree.root, "--", "nvme-grab", "prepare", "begin", "-"], stdin: Hook.rootNVMeDomain,
            seconds: 2)
        #expect(waiting.status == 124)
        close(held)
        let result = Hook.hook(["nvme-grab", "prepare", "begin", "-"], root: tree.root, stdin: Hook.rootNVMeDomain)
        #expect(result.status == 1)
        #expect(result.stderr.contains("[host-device-in-use]"))
    }

    @Test func anUnmarkedDomainOverTheParseBoundsIsLeftAlone() throws {
        let tree = try Self.tree()
        var attributes = ""
        for index in 0..<1001 { attributes += " a\(index)='x'" }
        let domain = "<domain type='kvm'><name>plain</name><description\(attributes)/></domain>"
        let plain = Hook.hook(["plain", "prepare", "begin", "-"], root: tree.root, stdin: domain)
        #expect(plain.status == 0, "\(plain.stderr)")
        // The same with the marker is read, and refused.
        let marked = domain.replacingOccurrences(
            of: "</domain>",
            with:
                "<metadata><hostdev:passthrough xmlns:hostdev='\(MigrationMarker.namespace)' migratable='no'/></metadata></domain>"
        )
        let refused = Hook.hook(["marked", "prepare", "begin", "-"], root: tree.root, stdin: marked)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("more than 1000 attributes"))
    }

    @Test func aMarkerWhoseNamespaceIsWrittenWithReferencesIsStillSeen() throws {
        let tree = try Self.tree()
        let namespace = MigrationMarker.namespace.replacingOccurrences(of: "h", with: "&#x68;")
        let domain = """
            <domain type='kvm'><name>vm</name><metadata><hd:passthrough xmlns:hd='\(namespace)' migratable='no'/>\
            </metadata></domain>
            """
        let result = Hook.hook(["vm", "migrate", "begin", "-"], root: tree.root, stdin: domain)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("is marked non-migratable"))
    }

    @Test func aFIFOInARecordsPlaceIsAnErrorNotAnEmptyRecord() throws {
        let tree = try Self.tree()
        try tree.directory("run/hostdev/qemu")
        #expect(mkfifo(tree.root + "/run/hostdev/qemu/web-server.devices", 0o600) == 0)
        let outcome = QEMUHook(root: tree.root).run(
            domain: "web-server", operation: "release", subOperation: "end", domainXML: try Hook.markedGPUDomain())
        #expect(outcome.exitCode == 1)
        #expect(outcome.messages.first?.hasSuffix("web-server.devices is not a regular file") == true, "\(outcome)")
    }

    @Test func unusableDomainNamesAreRefused() throws {
        let tree = try Self.tree()
        for name in ["", ".", "..", "../../esc", "a\nb", String(repeating: "n", count: 248)] {
            let outcome = QEMUHook(root: tree.root).run(
                domain: name, operation: "prepare", subOperation: "begin", domainXML: try Hook.markedGPUDomain())
            #expect(outcome.exitCode == 2, "\(name)")
            #expect(outcome.messages == ["domain name '\(name)' cannot name a hook record"])
        }
    }
}
