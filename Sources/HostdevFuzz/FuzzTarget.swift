import Hostdev
import LibXML

/// The fuzzed entry points. Each takes arbitrary bytes and must neither crash, hang nor leak;
/// where an input is accepted, the invariants below must hold.
enum FuzzTarget: String, CaseIterable {
    /// XML ingest: parse, and when accepted, serialization is a fixed point.
    case xml
    /// Device names and PCI addresses: accepted names round-trip through their canonical form.
    case names

    /// Runs the target on one input.
    func run(_ bytes: [UInt8]) {
        switch self {
        case .xml: Self.xml(bytes)
        case .names: Self.names(bytes)
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
