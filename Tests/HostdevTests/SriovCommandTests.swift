import Foundation
import Hostdev
import Testing

/// Records sysfs writes instead of making them.
final class RecordedWrites: SysfsAttributeWriter, @unchecked Sendable {
    private let lock = NSLock()
    private var writes: [String] = []
    var all: [String] { lock.withLock { writes } }
    func write(_ value: String, to relative: String) throws(HookFailure) {
        lock.withLock { writes.append(relative + "=" + value) }
    }
}

@Suite("hostdev sriov: VDSM's hostdevChangeNumvfs")
struct SriovCommandTests {
    /// The NFV host as a sysfs tree, the PF with 3 VFs enabled.
    static func tree() throws -> FakeSysfs {
        let tree = try FakeSysfs(mirroring: try VDSMHost.inventory.get())
        try tree.write(tree.pathOfPCI(try PCIAddress(sysfsName: "0000:03:00.0")) + "/sriov_numvfs", "3\n")
        return tree
    }

    static func numvfs(_ tree: FakeSysfs) throws -> String {
        let path = tree.root + "/" + tree.pathOfPCI(try PCIAddress(sysfsName: "0000:03:00.0")) + "/sriov_numvfs"
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    static func run(_ tree: FakeSysfs, _ arguments: [String]) -> CommandResult {
        HostdevBinary.run(["sriov"] + arguments + ["--sysfs", tree.root])
    }

    @Test func aChangeBetweenNonZeroCountsWritesZeroFirst() throws {
        #expect(SriovNumVFs.values(current: 3, requested: 8) == [0, 8])
        #expect(SriovNumVFs.values(current: 0, requested: 4) == [4])
        #expect(SriovNumVFs.values(current: 3, requested: 0) == [0])
        #expect(SriovNumVFs.values(current: 3, requested: 3) == [])
        let tree = try Self.tree()
        let writes = RecordedWrites()
        let functions = try SriovNumVFs.apply(
            pf: try PCIAddress(sysfsName: "0000:03:00.0"), numVFs: 8, root: tree.root,
            writer: writes)
        let attribute = "sys/bus/pci/devices/0000:03:00.0/sriov_numvfs"
        #expect(writes.all == [attribute + "=0", attribute + "=8"])
        #expect(functions == ["pci_0000_03_10_0", "pci_0000_03_10_2", "pci_0000_03_10_4"])
    }

    @Test func setsTheCountAndListsTheVirtualFunctions() throws {
        let tree = try Self.tree()
        let result = Self.run(tree, ["pci_0000_03_00_0", "--numvfs", "8", "--connect", "test:///default"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.numvfs(tree) == "8")
        #expect(result.stdout.hasPrefix("pci_0000_03_00_0: 8 virtual functions\n  pci_0000_03_10_0\n"))
    }

    @Test func aNegativeTotalIsRefusedNotACrash() throws {
        let tree = try Self.tree()
        let pf = tree.pathOfPCI(try PCIAddress(sysfsName: "0000:03:00.0"))
        try tree.write(pf + "/sriov_totalvfs", "-1\n")
        let result = Self.run(tree, ["pci_0000_03_00_0", "--numvfs", "0", "--connect", "test:///default"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("pci_0000_03_00_0 reports -1 as its sriov_totalvfs; the count is not changed"))
        #expect(try Self.numvfs(tree) == "3\n")
    }

    @Test func refusesWhileAVirtualFunctionIsAssigned() throws {
        let tree = try Self.tree()
        let result = Self.run(tree, ["pci_0000_03_00_0", "--numvfs", "0", "--snapshot", VDSMHost.path, "--force"])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "virtual function pci_0000_03_10_0 is assigned to domain 'nfv-router' (running)"))
        #expect(try Self.numvfs(tree) == "3\n")
    }

    @Test func refusesWhileThePFInterfaceIsUpUnlessForced() throws {
        let tree = try Self.tree()
        try tree.interface("enp3s0f0", up: true)
        let refused = Self.run(tree, ["pci_0000_03_00_0", "--numvfs", "4", "-c", "test:///default"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("network interface enp3s0f0 is up (pass --force"))
        #expect(try Self.numvfs(tree) == "3\n")
        let forced = Self.run(tree, ["pci_0000_03_00_0", "--numvfs", "4", "-c", "test:///default", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try Self.numvfs(tree) == "4")
    }

    @Test(arguments: ["pci_0000_03_10_2", "pci_0000_04_00_0"])
    func refusesAVirtualFunctionOrAPlainNIC(name: String) throws {
        let tree = try Self.tree()
        let result = Self.run(tree, [name, "--numvfs", "2", "-c", "test:///default"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(name) is not an SR-IOV physical function"))
    }

    @Test func refusesMoreThanTotalVFs() throws {
        let tree = try Self.tree()
        let result = Self.run(tree, ["pci_0000_03_00_0", "--numvfs", "64", "-c", "test:///default"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("supports 0 to 63 virtual functions, not 64"))
    }

    @Test func unknownDomainsAreAUsageError() throws {
        let tree = try Self.tree()
        let result = HostdevBinary.run(
            ["sriov", "pci_0000_03_00_0", "--numvfs", "2", "--sysfs", tree.root],
            environment: ["LIBVIRT_DEFAULT_URI": ""])
        #expect(result.status == 2)
        #expect(result.stderr.contains("pass --connect URI"))
    }
}
