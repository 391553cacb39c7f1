import FoundationEssentials
import LibXML

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
        do throws(JSONParser.Failure) {
            value = try JSONParser.parse(bytes)
        } catch {
            throw VMCreateError(
                source: source, "not valid JSON: \(error.reason)", line: error.line, column: error.column)
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
        var passedOver = 0
        for (index, device) in devices.enumerated() {
            let place = "devices[\(index)]"
            guard case .object(let dictionary) = device else {
                throw VMCreateError(source: source, "\(place) is \(device.kind), not a device dictionary")
            }
            try checkType(dictionary, place: place, source: source)
            if try decodeVDSMDevice(dictionary, index: index, source: source, into: &request) { continue }
            guard dictionary["type"]?.text == "hostdev" else {
                passedOver += 1
                // A few are named; the rest are counted, so a request of a million entries stays small.
                guard passedOver <= maxNotesOfAKind else { continue }
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
        if passedOver > maxNotesOfAKind {
            let more = passedOver - maxNotesOfAKind
            request.notes.append(
                Diagnostic(
                    .note, rule: "vmcreate",
                    "\(more) more dictionar\(more == 1 ? "y" : "ies") passed over (not host devices)", file: source))
        }
        request.notes = summarized(request.notes, source: source)
        return request
    }

    /// Refuses a device dictionary whose `type` (VDSM's device class: `hostdev`, `disk`,
    /// `interface`, …) is missing, not a string, or `hostdev` written in other letters: a host device
    /// asked for that way must not pass over as some other device.
    private static func checkType(_ dictionary: [String: JSONValue], place: String, source: String)
        throws(VMCreateError)
    {
        guard let type = dictionary["type"] else {
            throw VMCreateError(
                source: source, "\(place) has no \"type\" (VDSM's device class: hostdev, disk, interface, …)")
        }
        guard case .string(let name) = type else {
            throw VMCreateError(source: source, "\(place): \"type\" is \(type.kind), not a string")
        }
        if name != "hostdev" && name.lowercased() == "hostdev" {
            throw VMCreateError(
                source: source, "\(place): type '\(name)' is not 'hostdev' (VDSM's types are lower case)")
        }
    }

    /// A note's kind: its severity and its message without the place and without what it quotes.
    private static func kind(of note: Diagnostic) -> String {
        let message = note.message.split(separator: " ", maxSplits: 1).last ?? ""
        var kind = "\(note.severity):"
        var quoted = false
        for character in message {
            if character == "'" {
                quoted.toggle()
                kind.append("'")
            } else if !quoted {
                kind.append(character)
            }
        }
        return kind
    }

    /// How many notes of one kind are given one by one before the rest are counted.
    static let maxNotesOfAKind = 10

    /// Notes with the same message but for the place and the quoted names
    /// (`devices[7]: unknown key 'x' ignored`) kept up to ``maxNotesOfAKind``, the rest counted in one
    /// note: a request of half a million distinct unknown keys gives eleven lines, not half a million.
    static func summarized(_ notes: [Diagnostic], source: String) -> [Diagnostic] {
        var seen: [String: Int] = [:]
        var kept: [Diagnostic] = []
        for note in notes {
            let kind = Self.kind(of: note)
            seen[kind, default: 0] += 1
            if seen[kind]! <= maxNotesOfAKind { kept.append(note) }
        }
        for (kind, count) in seen.sorted(by: { $0.key < $1.key }) where count > maxNotesOfAKind {
            let example = kept.last { Self.kind(of: $0) == kind }!
            kept.append(
                Diagnostic(
                    example.severity, rule: example.rule,
                    "\(count - maxNotesOfAKind) more like: \(example.message)", file: source))
        }
        return kept
    }

    /// A string the request gives, checked so that it can be written into XML: no character that
    /// XML 1.0 cannot hold (NUL and the other C0 controls but tab, newline and carriage return,
    /// U+FFFE, U+FFFF), which libxml2 would cut the text at or write as a document no parser reads.
    static func optionalText(_ value: JSONValue?, _ key: String, _ source: String) throws(VMCreateError) -> String? {
        guard let value, value != .null else { return nil }
        guard let text = value.text, !text.isEmpty else {
            throw VMCreateError(source: source, "\(key) must be a non-empty string, found \(value.kind)")
        }
        if let bad = text.unicodeScalars.first(where: { !isXMLCharacter($0) }) {
            let hex = String(bad.value, radix: 16, uppercase: true)
            throw VMCreateError(
                source: source,
                "\(key) holds U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex), a character XML cannot hold"
            )
        }
        return text
    }

    /// Whether XML 1.0 can hold a character (its `Char` production).
    static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
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
}

/// Why vmCreate parameters could not be read.
public struct VMCreateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file the parameters came from.
    public var source: String
    /// The reason.
    public var reason: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?

    /// Creates an error.
    public init(source: String, _ reason: String, line: Int? = nil, column: Int? = nil) {
        self.source = source
        self.reason = reason
        self.line = line
        self.column = column
    }

    public var description: String { SourcePlace.prefix(file: source, line: line, column: column) + reason }
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
