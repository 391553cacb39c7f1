import LibXML

/// Reads a libvirt test-driver `<node>` file with our own parser, so that `<driver>` survives.
enum SnapshotSource {
    /// The test driver's namespace, whose `<test:runstate>` gives a domain's state (5 = shut off).
    static let testNamespace = "http://libvirt.org/schemas/domain/test/1.0"

    static func load(path: String) throws(InventoryError) -> HostInventory {
        let document: XMLDocument
        do throws(XMLError) {
            document = try XMLDocument(contentsOf: path)
        } catch {
            throw InventoryError(
                error.code == .unreadable ? .unreadable : .malformed, error.reason, file: error.file ?? path,
                line: error.line, column: error.column)
        }
        return try load(document: document, origin: "snapshot \(path)")
    }

    static func load(document: XMLDocument, origin: String) throws(InventoryError) -> HostInventory {
        let root = document.root
        guard root.name == "node" else {
            throw InventoryError(
                .malformed, "expected a test-driver <node> file, found <\(root.name)>", file: document.source,
                line: root.line, column: root.column)
        }
        var devices: [HostDevice] = []
        var seen: Set<String> = []
        for element in root.elements(named: "device") {
            let device = try NodeDeviceParser.parse(element, file: document.source)
            guard seen.insert(device.name).inserted else {
                throw InventoryError(
                    .malformed, "device \(device.name) is listed twice", file: document.source, line: element.line,
                    column: element.column)
            }
            devices.append(device)
        }
        let domains = root.elements(named: "domain").map { element in
            let state = element.elements.first { $0.name == "runstate" && $0.namespaceURI == testNamespace }
            let active = state.map { $0.textContent.trimmed == "1" || $0.textContent.trimmed == "3" } ?? true
            return DomainRecordParser.record(from: element, isActive: active, xml: element.serialized())
        }
        return HostInventory(devices: devices, domains: domains, origin: origin)
    }
}
