/// A mediated device (vGPU) asked for by type: `{"type": "mdev", "mdevType": "nvidia-11", "placement":
/// "compact"}`, or with engine's custom property string `"mdevType": "nvidia-11|compact"`; optionally
/// `"uuid"` (the instance to use) and `"parent"` (the device to create it on).
public struct MdevRequest: Sendable, Equatable {
    /// Where a new instance goes when several parents can host it.
    public enum Placement: String, Sendable, Equatable, CaseIterable {
        /// Fill one parent before using the next (VDSM's default).
        case compact
        /// Spread instances of a type across parents, one per parent while one is free.
        case separate
    }

    /// The mdev type id (`nvidia-11`).
    public var type: String
    /// How to choose the parent.
    public var placement: Placement
    /// The instance's UUID, when given; otherwise derived from the vmId and the request.
    public var uuid: String?
    /// The parent to use, when given.
    public var parent: DeviceName?
    /// The position in the `devices` array, for messages.
    public var index: Int

    /// Creates a request.
    public init(
        type: String, placement: Placement = .compact, uuid: String? = nil, parent: DeviceName? = nil, index: Int = 0
    ) {
        self.type = type
        self.placement = placement
        self.uuid = uuid
        self.parent = parent
        self.index = index
    }

    static let knownKeys: Set<String> = ["type", "device", "mdevType", "placement", "uuid", "parent", "deviceId"]

    init(_ dictionary: [String: JSONValue], index: Int, source: String, notes: inout [Diagnostic])
        throws(VMCreateError)
    {
        let place = "devices[\(index)]"
        func fail(_ reason: String) -> VMCreateError { VMCreateError(source: source, "\(place): \(reason)") }
        guard let property = dictionary["mdevType"]?.text, !property.isEmpty else {
            throw fail("an mdev request has no \"mdevType\" (nvidia-11, or nvidia-11|compact)")
        }
        let parts = property.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let type = parts.first, Self.isTypeID(type) else {
            throw fail("mdevType '\(DeviceName.printable(property))' is not TYPE or TYPE|PLACEMENT")
        }
        self.type = type
        var placements: [String] = []
        if parts.count == 2 { placements.append(parts[1]) }
        if let value = dictionary["placement"], value != .null {
            guard let text = value.text else { throw fail("placement must be compact or separate") }
            placements.append(text)
        }
        var chosen = Placement.compact
        for text in placements {
            guard let placement = Placement(rawValue: text) else {
                throw fail("placement '\(DeviceName.printable(text))' is not compact or separate")
            }
            guard placements.count == 1 || placement == Placement(rawValue: placements[0]) else {
                throw fail("mdevType says \(placements[0]) but placement says \(text)")
            }
            chosen = placement
        }
        placement = chosen
        uuid = try VMCreateRequest.optionalText(dictionary["uuid"], "\(place).uuid", source).map {
            text throws(VMCreateError) in
            guard UUIDText.isValid(text), text.count == 36 else { throw fail("uuid '\(text)' is not a UUID") }
            return text.lowercased()
        }
        if let text = try VMCreateRequest.optionalText(dictionary["parent"], "\(place).parent", source) {
            do throws(AddressError) {
                parent = try DeviceName(text)
            } catch {
                throw fail("parent: \(error.description)")
            }
        }
        self.index = index
        for key in dictionary.keys.sorted() where !Self.knownKeys.contains(key) {
            notes.append(Diagnostic(.warning, rule: "vmcreate", "\(place): unknown key '\(key)' ignored", file: source))
        }
    }

    /// mdev type ids as drivers name them: letters, digits, `-`, `_` and `.`, at most 64.
    static func isTypeID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64
            && text.unicodeScalars.allSatisfy {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0))
            }
    }
}
