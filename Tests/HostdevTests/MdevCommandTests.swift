import Foundation
import Hostdev
import Testing

@Suite("hostdev mdev create and remove on a sysfs tree")
struct MdevCommandTests {
    static let existing = "4b20d080-1b54-4048-85b3-a6a62d165c01"
    static let fresh = "0f4a6a34-5b7e-4c1d-9f2e-3a4b5c6d7e8f"

    static func run(_ tree: FakeSysfs, _ arguments: [String]) -> CommandResult {
        HostdevBinary.run(["mdev"] + arguments + ["--sysfs", tree.root])
    }

    static func created(_ tree: FakeSysfs, _ parent: String, _ type: String) throws -> String {
        let path = tree.pathOfPCI(try PCIAddress(sysfsName: parent)) + "/mdev_supported_types/\(type)/create"
        return try String(contentsOfFile: tree.root + "/" + path, encoding: .utf8)
    }

    @Test(arguments: [
        (["--type", "nvidia-11"], "0000:81:00.0", "nvidia-11"),
        (["--type", "nvidia-11", "--placement", "separate"], "0000:82:00.0", "nvidia-11"),
        (["--type", "nvidia-18"], "0000:82:00.0", "nvidia-18"),
    ])
    func createsOnTheParentPlacementChooses(options: [String], parent: String, type: String) throws {
        let tree = try FakeSysfs(mirroring: try VDSMHost.inventory.get())
        let result = Self.run(tree, ["create"] + options + ["--uuid", Self.fresh, "-c", "test:///default"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.created(tree, parent, type) == Self.fresh)
        #expect(
            result.stdout.contains(
                "created \(Self.fresh) (\(type)) on pci_\(parent.replacingOccurrences(of: ":", with: "_").replacingOccurrences(of: ".", with: "_"))"
            ))
    }

    @Test(arguments: ["gggggggg-1b54-4048-85b3-a6a62d165c01", "0f4a6a345b7e4c1d9f2e3a4b5c6d7e8f", "0f4a6a34-5b7e"])
    func aUUIDThatCannotNameAnInstanceIsAUsageError(uuid: String) throws {
        let tree = try FakeSysfs(mirroring: try VDSMHost.inventory.get())
        // Read with the tests' own reader: Foundation leaks the buffer of an empty file.
        let create =
            tree.root + "/" + tree.pathOfPCI(try PCIAddress(sysfsName: "0000:81:00.0"))
            + "/mdev_supported_types/nvidia-11/create"
        let before = readFile(create)
        let created = Self.run(tree, ["create", "--type", "nvidia-11", "--uuid", uuid, "-c", "test:///default"])
        #expect(created.status == 2)
        #expect(created.stderr.contains("--uuid '\(uuid)' is not a UUID"), "\(created.stderr)")
        #expect(readFile(create) == before)
        let remove = Self.run(tree, ["remove", uuid, "-c", "test:///default"])
        #expect(remove.status == 2)
    }

    @Test func tooFewInstancesNameTheTypeTheParentsAndWhatIsFree() throws {
        let tree = try FakeSysfs(mirroring: try VDSMHost.inventory.get())
        let result = Self.run(
            tree, ["create", "--type", "nvidia-18", "--parent", "pci_0000_81_00_0", "-c", "test:///default"])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "too few instances of mdev type nvidia-18: pci_0000_81_00_0: holds another type; pci_0000_82_00_0: 2 free"
            ))
        let unknown = Self.run(tree, ["create", "--type", "nvidia-99", "-c", "test:///default"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("offers mdev type nvidia-99 (types offered: nvidia-11, nvidia-18)"))
    }

    @Test func anExistingUUIDIsRefused() throws {
        let tree = try FakeSysfs(mirroring: try VDSMHost.inventory.get())
        let result = Self.run(
            tree, ["create", "--type", "nvidia-11", "--uuid", Self.existing, "-c", "test:///default"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("mediated device \(Self.existing) already exists"))
    }

    @Test func removesAnInstanceNoRunningDomainUses() throws {
        let tree = try FakeSysfs(mirroring: try VDSMHost.inventory.get())
        // vdi-1 names the instance but is shut off.
        let result = Self.run(tree, ["remove", Self.existing, "--snapshot", VDSMHost.path])
        #expect(result.status == 0, "\(result.stderr)")
        let remove = tree.root + "/sys/bus/mdev/devices/\(Self.existing)/remove"
        #expect(try String(contentsOfFile: remove, encoding: .utf8) == "1")
        let missing = Self.run(tree, ["remove", Self.fresh, "-c", "test:///default"])
        #expect(missing.status == 1 && missing.stderr.contains("no mediated device \(Self.fresh)"))
        #expect(Self.run(tree, ["remove", "../../etc", "-c", "test:///default"]).status == 2)
    }

    @Test func guardsLikeDetach() throws {
        let inventory = try VDSMHost.inventory.get()
        let xml = """
            <domain type='kvm'><name>vdi-2</name><devices>
            <hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='\(Self.existing.uppercased())'/></source></hostdev>
            <hostdev mode='subsystem' type='pci' managed='no'><source><address domain='0' bus='0x82' slot='0' function='0'/></source></hostdev>
            </devices></domain>
            """
        let gpu = try PCIAddress(sysfsName: "0000:82:00.0")
        let running = HostDomain(name: "vdi-2", uuid: nil, isActive: true, hostdevSources: [.pci(gpu)], xml: xml)
        #expect(
            MdevInstances.refusals(removing: Self.existing, inventory: inventory, domains: [running]) == [
                .usedByRunningDomain(Self.existing, domain: "vdi-2")
            ])
        let broken = HostDomain(name: "odd", uuid: nil, isActive: true, hostdevSources: [], xml: "<domain")
        #expect(
            MdevInstances.refusals(removing: Self.existing, inventory: inventory, domains: [broken]) == [
                .domainUnreadable("odd")
            ])
        let plan = MdevInstances.plan(
            type: "nvidia-18", placement: .compact, parent: nil, uuid: nil, inventory: inventory, domains: [running])
        #expect(plan == .failure(.parentAssigned("pci_0000_82_00_0", domain: "vdi-2")))
    }
}
