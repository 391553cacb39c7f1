import Hostdev
import LibXML

/// The fuzzed entry points. Each takes arbitrary bytes and must neither crash, hang nor leak;
/// where an input is accepted, the invariants below must hold.
enum FuzzTarget: String, CaseIterable {
    /// XML ingest: parse, and when accepted, serialization is a fixed point.
    case xml
    /// Device names and PCI addresses: accepted names round-trip through their canonical form.
    case names
    /// vmCreate parameters: decoded or refused, never a crash.
    case vmcreate
    /// The transform of arbitrary domain XML (a GPU request on the sample host): when it succeeds,
    /// running it again on its own output changes nothing.
    case transform
    /// Log explanation: any bytes, never a crash, every line counted once.
    case explain
    /// A host snapshot (a test-driver `<node>` file): loaded or refused, never a crash; a host it
    /// loads is listed, and when its own snapshot can be written, that loads again with the same
    /// devices and domains.
    case snapshot

    /// Runs the target on one input.
    func run(_ bytes: [UInt8]) {
        switch self {
        case .xml: Self.xml(bytes)
        case .names: Self.names(bytes)
        case .vmcreate: _ = try? VMCreateRequest.decode(bytes, source: "fuzz")
        case .transform: Self.transform(bytes)
        case .explain: Self.explain(bytes)
        case .snapshot: Self.snapshot(bytes)
        }
    }

    private static func xml(_ bytes: [UInt8]) {
        guard let document = try? XMLDocument(parsing: bytes, source: "fuzz") else { return }
        _ = HostdevElement.all(in: document.root).map(\.source)
        guard let once = try? document.serialized() else { return }
        guard let reparsed = try? XMLDocument(parsing: once, source: "fuzz") else {
            preconditionFailure("serialized output does not parse again")
        }
        precondition((try? reparsed.serialized()) == once, "serialization is not a fixed point")
    }

    /// The sample host, built in memory so the harness needs no file.
    private static let host: HostInventory = {
        func pci(_ name: String, _ group: Int, _ members: [String], classCode: UInt32 = 0x030000, driver: String?)
            -> HostDevice
        {
            let address = (try! DeviceName(name)).pciAddress!
            return HostDevice(
                name: name, parent: "computer", capability: "pci", driver: driver,
                pci: PCIDetails(
                    address: address, vendorID: 0x10de, productID: 0x2204, classCode: classCode, iommuGroup: group,
                    iommuGroupMembers: members.map { try! DeviceName($0).pciAddress! }))
        }
        let group = ["pci_0000_00_01_0", "pci_0000_01_00_0", "pci_0000_01_00_1"]
        return HostInventory(
            devices: [
                pci("pci_0000_00_01_0", 1, group, classCode: 0x060400, driver: "pcieport"),
                pci("pci_0000_01_00_0", 1, group, driver: "nvidia"),
                pci("pci_0000_01_00_1", 1, group, classCode: 0x040300, driver: nil),
            ], domains: [], origin: "fuzz host")
    }()

    private static let request = try! VMCreateRequest.decode(
        Array(#"[{"type":"hostdev","device":"pci_0000_01_00_0"},{"type":"hostdev","device":"pci_0000_01_00_1"}]"#.utf8))

    private static func transform(_ bytes: [UInt8]) {
        guard let first = try? PassthroughTransform.run(domainXML: bytes, request: request, inventory: host),
            let output = first.xml
        else { return }
        guard let second = try? PassthroughTransform.run(domainXML: output, request: request, inventory: host) else {
            preconditionFailure("the transform's own output does not transform again")
        }
        precondition(second.xml == output, "the transform is not idempotent")
    }

    private static func explain(_ bytes: [UInt8]) {
        let report = LogExplainer(inventory: host).explain(bytes)
        // A last line without a newline is read but not counted, as `wc -l` counts.
        let lines = report.linesRead + (bytes.last.map { $0 == UInt8(ascii: "\n") ? 0 : 1 } ?? 0)
        precondition(report.explanations.count + report.notShown + report.unrecognised <= lines, "lines counted twice")
    }

    private static func snapshot(_ bytes: [UInt8]) {
        guard let inventory = try? SnapshotSource.load(bytes: bytes, source: "fuzz", origin: "fuzz") else { return }
        let listing = try! DeviceListing(inventory: inventory)
        _ = listing.vdsmJSON()
        _ = listing.table()
        guard let written = try? SnapshotWriter.xml(of: inventory) else { return }
        guard let again = try? SnapshotSource.load(bytes: written, source: "fuzz", origin: "fuzz") else {
            preconditionFailure("a host's own snapshot does not load again")
        }
        precondition(again.devices.map(\.name) == inventory.devices.map(\.name), "the snapshot lost or added devices")
        precondition(again.domains.map(\.name) == inventory.domains.map(\.name), "the snapshot lost or added domains")
    }

    private static func names(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let name = try? DeviceName(text) {
            precondition((try? DeviceName(name.description)) == name, "device name does not round-trip")
        }
        if let address = try? PCIAddress(sysfsName: text) {
            precondition((try? PCIAddress(sysfsName: address.description)) == address, "address does not round-trip")
        }
        let parts = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 4,
            let address = try? PCIAddress(domain: parts[0], bus: parts[1], slot: parts[2], function: parts[3])
        {
            let canonical = address.xmlAttributes.map(\.1)
            let again = try? PCIAddress(
                domain: canonical[0], bus: canonical[1], slot: canonical[2], function: canonical[3])
            precondition(again == address, "canonical attributes do not round-trip")
        }
    }
}
