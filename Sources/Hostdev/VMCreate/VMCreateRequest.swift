import FoundationEssentials

/// The host-device part of VDSM's `vmCreate` parameters.
///
/// Accepts an object with `devices` (and optionally `vmId`, `vmName`, `memSize` in MiB, `smp`) or a
/// bare array of device dictionaries. A host device is a dictionary whose `type` is `hostdev`, written
/// as VDSM writes it (`{"type": "hostdev", "device": "pci_0000_01_00_0"}`) or as the feature page
/// wrote it (`{"device": "hostdev", "type": "hostdev", "deviceName": "pci_0000_01_00_0"}`).
public struct VMCreateRequest: Sendable, Equatable {
    /// The VM's UUID.
    public var vmId: String?
    /// The VM's name.
    public var vmName: String?
    /// Guest memory in MiB.
    public var memSize: Int?
    /// Virtual CPUs.
    public var smp: Int?
    /// The host devices requested, in the order given.
    public var hostDevices: [HostDeviceRequest]
    /// The SR-IOV virtual functions requested as network interfaces.
    public var interfaces: [HostdevInterfaceRequest] = []
    /// The mediated devices requested by type.
    public var mediatedDevices: [MdevRequest] = []
    /// Notes and warnings about what was passed over (other devices, unknown keys).
    public var notes: [Diagnostic]
    /// Where the parameters came from, for messages.
    public var source: String?

    /// The largest parameters file accepted.
    public static let maxBytes = 8 << 20

    /// Creates a request directly, for callers that already hold typed values.
    public init(
        vmId: String? = nil, vmName: String? = nil, memSize: Int? = nil, smp: Int? = nil,
        hostDevices: [HostDeviceRequest] = [], notes: [Diagnostic] = [], source: String? = nil
    ) {
        self.source = source
        self.vmId = vmId
        self.vmName = vmName
        self.memSize = memSize
        self.smp = smp
        self.hostDevices = hostDevices
        self.notes = notes
    }

    /// Decodes vmCreate parameters.
    /// - Parameters:
    ///   - bytes: the JSON text.
    ///   - source: the file name, for messages (`-` for standard input).
    public static func decode(_ bytes: [UInt8], source: String = "params") throws(VMCreateError) -> VMCreateRequest {
        guard bytes.count <= maxBytes else {
            throw VMCreateError(source: source, "parameters are larger than the \(maxBytes >> 20) MiB limit")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw VMCreateError(source: source, "not valid JSON: \(describe(error))")
        }
        var request = VMCreateRequest(source: source)
        let devices: [JSONValue]
        switch value {
        case .array(let list):
            devices = list
        case .object(let object):
            guard case .array(let list)? = object["devices"] else {
                throw VMCreateError(
                    source: source, "expected an object with a \"devices\" array, or an array of devices")
            }
            devices = list
            request.vmId = try optionalText(object["vmId"], "vmId", source)
            request.vmName = try optionalText(object["vmName"], "vmName", source)
            request.memSize = try optionalInteger(object["memSize"], "memSize", source, range: 1...(1 << 30))
            request.smp = try optionalInteger(object["smp"], "smp", source, range: 1...4096)
            if let id = request.vmId, !UUIDText.isValid(id) {
                throw VMCreateError(source: source, "vmId '\(id)' is not a UUID")
            }
        default:
            throw VMCreateError(source: source, "expected an object or an array, found \(value.kind)")
        }
        for (index, device) in devices.enumerated() {
            let place = "devices[\(index)]"
            guard case .object(let dictionary) = device else {
                throw VMCreateError(source: source, "\(place) is \(device.kind), not a device dictionary")
            }
            if try decodeVDSMDevice(dictionary, index: index, source: source, into: &request) { continue }
            guard dictionary["type"]?.text == "hostdev" else {
                let kind = dictionary["type"]?.text ?? dictionary["device"]?.text ?? "device"
                request.notes.append(
                    Diagnostic(
                        .note, rule: "vmcreate", "\(place): \(kind) device passed over (not a host device)",
                        file: source))
                continue
            }
            request.hostDevices.append(
                try HostDeviceRequest(dictionary, index: index, source: source, notes: &request.notes))
        }
        return request
    }

    static func optionalText(_ value: JSONValue?, _ key: String, _ source: String) throws(VMCreateError) -> String? {
        guard let value, value != .null else { return nil }
        guard let text = value.text, !text.isEmpty else {
            throw VMCreateError(source: source, "\(key) must be a non-empty string, found \(value.kind)")
        }
        return text
    }

    static func optionalInteger(_ value: JSONValue?, _ key: String, _ source: String, range: ClosedRange<Int>)
        throws(VMCreateError) -> Int?
    {
        guard let value, value != .null else { return nil }
        guard let text = value.text, let number = Int(text), range.contains(number) else {
            throw VMCreateError(
                source: source, "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private static func describe(_ error: any Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context),
                .keyNotFound(_, let context):
                return context.underlyingError.map { "\($0)" } ?? context.debugDescription
            @unknown default:
                return "\(decoding)"
            }
        }
        return "\(error)"
    }
}

/// Why vmCreate parameters could not be read.
public struct VMCreateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file the parameters came from.
    public var source: String
    /// The reason.
    public var reason: String

    /// Creates an error.
    public init(source: String, _ reason: String) {
        self.source = source
        self.reason = reason
    }

    public var description: String { "\(source): \(reason)" }
}

/// UUID syntax, as libvirt accepts it (hex digits with or without the four dashes).
enum UUIDText {
    static func isValid(_ text: String) -> Bool {
        let hexDigits = text.unicodeScalars.filter { $0 != "-" }
        guard hexDigits.count == 32, hexDigits.allSatisfy({ $0.properties.isASCIIHexDigit }) else { return false }
        let dashes = text.unicodeScalars.filter { $0 == "-" }.count
        return dashes == 0 || (dashes == 4 && text.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
    }
}
