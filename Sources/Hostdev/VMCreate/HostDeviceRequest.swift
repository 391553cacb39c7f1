/// One host device asked for in vmCreate parameters.
public struct HostDeviceRequest: Sendable, Equatable {
    /// The device, as named by libvirt.
    public var name: DeviceName
    /// The position in the `devices` array, for messages.
    public var index: Int
    /// The guest PCI address, when one was asked for.
    public var guestAddress: PCIAddress?
    /// The boot order, when one was asked for.
    public var bootOrder: Int?
    /// The device alias (libvirt accepts user aliases with the `ua-` prefix).
    public var alias: String?
    /// Detached so its IOMMU group is viable, but not given to the guest (`specParams.iommuPlaceholder`).
    public var isPlaceholder: Bool

    /// Creates a request.
    public init(
        name: DeviceName, index: Int = 0, guestAddress: PCIAddress? = nil, bootOrder: Int? = nil,
        alias: String? = nil, isPlaceholder: Bool = false
    ) {
        self.name = name
        self.index = index
        self.guestAddress = guestAddress
        self.bootOrder = bootOrder
        self.alias = alias
        self.isPlaceholder = isPlaceholder
    }

    static let knownKeys: Set<String> = [
        "type", "device", "deviceName", "address", "bootOrder", "alias", "specParams", "deviceId",
    ]

    init(_ dictionary: [String: JSONValue], index: Int, source: String, notes: inout [Diagnostic])
        throws(VMCreateError)
    {
        let place = "devices[\(index)]"
        func fail(_ reason: String) -> VMCreateError { VMCreateError(source: source, "\(place): \(reason)") }
        // VDSM puts the name in `device`; the feature page in `deviceName` with `device: hostdev`.
        let nameValue =
            dictionary["deviceName"] ?? (dictionary["device"]?.text == "hostdev" ? nil : dictionary["device"])
        guard let text = nameValue?.text else {
            throw fail("host device has no device name (\"device\" or \"deviceName\")")
        }
        do throws(AddressError) {
            name = try DeviceName(text)
        } catch {
            throw fail(error.description)
        }
        self.index = index
        if let address = dictionary["address"], address != .null {
            guard case .object(let fields) = address else { throw fail("address must be an object") }
            if let type = fields["type"]?.text, type != "pci" { throw fail("guest address type '\(type)' is not pci") }
            do throws(AddressError) {
                guestAddress = try PCIAddress(
                    domain: fields["domain"]?.text, bus: fields["bus"]?.text, slot: fields["slot"]?.text,
                    function: fields["function"]?.text)
            } catch {
                throw fail("guest address: \(error.description)")
            }
        }
        bootOrder = try VMCreateRequest.optionalInteger(
            dictionary["bootOrder"], "\(place).bootOrder", source, range: 1...65535)
        alias = try VMCreateRequest.optionalText(dictionary["alias"], "\(place).alias", source)
        if let alias {
            guard alias.hasPrefix("ua-"), alias.count > 3,
                alias.unicodeScalars.allSatisfy({
                    $0.properties.isASCIIHexDigit
                        || ($0.value < 128 && ($0.properties.isAlphabetic || "-_.".unicodeScalars.contains($0)))
                })
            else {
                throw fail(
                    "alias '\(alias)': libvirt accepts user aliases as ua- followed by letters, digits, -, _ or .")
            }
        }
        isPlaceholder = false
        if let specParams = dictionary["specParams"], specParams != .null {
            guard case .object(let params) = specParams else { throw fail("specParams must be an object") }
            switch params["iommuPlaceholder"] {
            case nil, .null: break
            case .bool(let value): isPlaceholder = value
            case .string(let value) where ["true", "false"].contains(value): isPlaceholder = value == "true"
            default: throw fail("specParams.iommuPlaceholder must be true or false")
            }
            for key in params.keys.sorted() where key != "iommuPlaceholder" {
                notes.append(
                    Diagnostic(
                        .warning, rule: "vmcreate", "\(place): unknown specParams key '\(key)' ignored", file: source))
            }
        }
        for key in dictionary.keys.sorted() where !Self.knownKeys.contains(key) {
            notes.append(Diagnostic(.warning, rule: "vmcreate", "\(place): unknown key '\(key)' ignored", file: source))
        }
    }
}
