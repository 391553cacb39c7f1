import LibXML

/// One domain as rules see it: the document, the host (when given), and, for the transform, the
/// request and which elements it added.
public struct CheckedDomain {
    /// Where an element the transform added came from.
    public enum Origin: Sendable, Equatable, CustomStringConvertible {
        /// Entry `devices[index]` of the request.
        case request(index: Int)
        /// Added to complete an IOMMU group.
        case groupMember(group: Int)

        public var description: String {
            switch self {
            case .request(let index): "devices[\(index)]"
            case .groupMember(let group): "added to complete IOMMU group \(group)"
            }
        }
    }

    /// The file (`-` for standard input).
    public let file: String
    /// The `<domain>` element.
    public let root: XMLNode
    /// Its host-device elements.
    public let hostdevs: [HostdevElement]
    /// The host, when one was given.
    public let inventory: HostInventory?
    /// The command evaluating the rules.
    public let command: RuleCommand
    /// The request the transform worked from, if any.
    public let request: VMCreateRequest?
    private let origins: [(node: XMLNode, origin: Origin)]

    /// Creates the subject of a rule run.
    public init(
        file: String, root: XMLNode, inventory: HostInventory?, command: RuleCommand, request: VMCreateRequest? = nil,
        origins: [(node: XMLNode, origin: Origin)] = []
    ) {
        self.file = file
        self.root = root
        self.hostdevs = HostdevElement.all(in: root)
        self.inventory = inventory
        self.command = command
        self.request = request
        self.origins = origins
    }

    /// The domain's name.
    public var name: String? { root.firstElement(named: "name")?.textContent.trimmed }
    /// The domain's UUID, lower case.
    public var uuid: String? { root.firstElement(named: "uuid")?.textContent.trimmed.lowercased() }

    /// Whether a host domain is this one: the same UUID. A name alone never makes a domain this one.
    func isSelf(_ other: HostDomain) -> Bool {
        guard let uuid, let theirs = other.uuid?.lowercased() else { return false }
        return uuid == theirs
    }

    /// Where the transform took an element from (searching the node and its ancestors), or `nil` for
    /// an element of the input.
    public func origin(of node: XMLNode) -> Origin? {
        var current: XMLNode? = node
        while let candidate = current, candidate.kind == .element {
            if let found = origins.first(where: { $0.node.isSame(as: candidate) }) { return found.origin }
            current = candidate.parent
        }
        return nil
    }

    /// How to name an element in a message: its request entry, or its line.
    func place(of node: XMLNode) -> String {
        if let origin = origin(of: node) { return origin.description }
        return node.line.map { "line \($0)" } ?? "<\(node.name)>"
    }

    /// The host device a request entry names, when the host has one.
    func device(for request: HostDeviceRequest) -> HostDevice? { inventory?.device(named: request.name) }

    /// What cross-domain rules need, without the document (which stays on its worker).
    public struct Summary: Sendable {
        public var file: String
        public var name: String?
        public var sources: [(source: HostdevSource, line: Int?, column: Int?)]
    }

    var summary: Summary {
        Summary(
            file: file, name: name,
            sources: hostdevs.compactMap { element in
                element.source.map { ($0, element.node.line, element.node.column) }
            })
    }
}

/// One host device as rules see it, for doctor, detach and reattach.
public struct CheckedDevice: Sendable {
    /// The device.
    public let device: HostDevice
    /// The host.
    public let inventory: HostInventory
    /// The command evaluating the rules.
    public let command: RuleCommand

    /// Creates the subject of a device check.
    public init(device: HostDevice, inventory: HostInventory, command: RuleCommand) {
        self.device = device
        self.inventory = inventory
        self.command = command
    }
}
