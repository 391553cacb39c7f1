import LibXML

/// Reads a libvirt test-driver `<node>` file with our own parser, so that `<driver>` survives.
///
/// The file is read one `<device>` (or `<domain>`) at a time: the parsed tree never holds more than
/// one of them. Errors come in the order a whole-document read would give them: the file's XML
/// first, then its root, then each device in document order, then devices that contradict each
/// other (``HostInventory/firstContradiction(in:naming:)``), at the later device of the two.
package enum SnapshotSource {
    /// The test driver's namespace, whose `<test:runstate>` gives a domain's state (5 = shut off).
    static let testNamespace = "http://libvirt.org/schemas/domain/test/1.0"

    static func load(path: String) throws(InventoryError) -> HostInventory {
        let bytes: [UInt8]
        do throws(XMLError) {
            bytes = try XMLInput.readBytes(path: path)
        } catch {
            throw InventoryError(error, path: path)
        }
        return try load(bytes: bytes, source: path, origin: "snapshot \(path)")
    }

    /// Reads a snapshot's bytes; `source` names it in errors.
    package static func load(bytes: [UInt8], source: String, origin: String) throws(InventoryError) -> HostInventory {
        var reader = Reader(file: source)
        let root: XMLNode
        do throws(XMLError) {
            root = try XMLChildStream.read(bytes, source: source) { reader.take($0) }
        } catch {
            throw InventoryError(error, path: source)
        }
        if let problem = rootProblem(root) { throw problem }
        if let failure = reader.failure { throw failure }
        let devices = reader.devices
        let places = reader.places
        if let contradiction = HostInventory.firstContradiction(
            in: devices, naming: { devices[$0].name + (places[$0].line.map { " (line \($0))" } ?? "") })
        {
            let place = places[contradiction.device]
            throw InventoryError(
                .malformed, contradiction.reason, file: source, line: place.line, column: place.column)
        }
        return HostInventory(devices: devices, domains: reader.domains, origin: origin)
    }

    /// Why a root is not a test driver's: anything but `<node>` in no namespace.
    private static func rootProblem(_ root: XMLNode) -> InventoryError? {
        guard !root.isUnqualified("node") else { return nil }
        return InventoryError(
            .malformed, "expected a test-driver <node> file, found <\(root.tagDescription)>",
            file: root.document.source, line: root.line, column: root.column)
    }

    /// What the children of `<node>` add up to, one at a time.
    private struct Reader {
        let file: String
        var devices: [HostDevice] = []
        /// Where each device's `<device>` starts.
        var places: [(line: Int?, column: Int?)] = []
        var domains: [HostDomain] = []
        var seen: Set<String> = []
        /// The first device that could not be read; nothing after it is read.
        var failure: InventoryError?
        /// Whether the root is a test driver's `<node>`; children of another root are not read.
        var rootIsNode: Bool?

        init(file: String) { self.file = file }

        mutating func take(_ element: XMLNode) {
            guard failure == nil else { return }
            if rootIsNode == nil { rootIsNode = element.parent.map { rootProblem($0) == nil } ?? false }
            guard rootIsNode == true else { return }
            switch element.name {
            case "device":
                do throws(InventoryError) {
                    let device = try NodeDeviceParser.parse(element, file: file)
                    guard seen.insert(device.name).inserted else {
                        throw InventoryError(
                            .malformed, "device \(device.name) is listed twice", file: file, line: element.line,
                            column: element.column)
                    }
                    devices.append(device)
                    places.append((element.line, element.column))
                } catch {
                    failure = error
                }
            case "domain":
                let state = element.elements.first { $0.name == "runstate" && $0.namespaceURI == testNamespace }
                let active = state.map { $0.textContent.trimmed == "1" || $0.textContent.trimmed == "3" } ?? true
                domains.append(DomainRecordParser.record(from: element, isActive: active, xml: element.serialized()))
            default:
                break
            }
        }
    }
}

extension InventoryError {
    /// A snapshot that cannot be read (unreadable) or parsed (malformed, too large, a DOCTYPE).
    init(_ error: XMLError, path: String) {
        self.init(
            error.code == .unreadable ? .unreadable : .malformed, error.reason, file: error.file ?? path,
            line: error.line, column: error.column)
    }
}
