/// A PCI address: domain (segment), bus, slot and function.
///
/// Read in any base libvirt accepts (`0x1f`, `31`), written in one canonical form:
/// `0x%04x` domain, `0x%02x` bus and slot, `0x%x` function.
public struct PCIAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The PCI domain (segment): 32 bits, as libvirt and the kernel allow (Intel VMD puts its
    /// devices in domains above 0xffff, `10000:01:00.0`).
    public let domain: UInt32
    /// The bus, 0 to 0xff.
    public let bus: UInt8
    /// The slot (device), 0 to 0x1f.
    public let slot: UInt8
    /// The function, 0 to 7.
    public let function: UInt8

    /// Creates an address, refusing components out of range.
    public init(domain: UInt32, bus: UInt32, slot: UInt32, function: UInt32) throws(AddressError) {
        guard bus <= 0xff else { throw AddressError.outOfRange("bus", bus, max: 0xff) }
        guard slot <= 0x1f else { throw AddressError.outOfRange("slot", slot, max: 0x1f) }
        guard function <= 7 else { throw AddressError.outOfRange("function", function, max: 7) }
        self.domain = domain
        self.bus = UInt8(bus)
        self.slot = UInt8(slot)
        self.function = UInt8(function)
    }

    /// Parses libvirt-style attribute values (`domain='0x0000' bus='0x01' slot='0x00' function='0x0'`).
    /// A missing domain is 0, as libvirt reads it; other components are required.
    public init(domain: String?, bus: String?, slot: String?, function: String?) throws(AddressError) {
        func component(_ name: String, _ text: String?, required: Bool) throws(AddressError) -> UInt32 {
            guard let text else {
                if required { throw AddressError.missing(name) }
                return 0
            }
            guard let value = PCIAddress.parseNumber(text) else { throw AddressError.malformed(name, text) }
            return value
        }
        try self.init(
            domain: component("domain", domain, required: false), bus: component("bus", bus, required: true),
            slot: component("slot", slot, required: true), function: component("function", function, required: true))
    }

    /// Parses the kernel's form, `0000:01:00.0` (`10000:01:00.0` for a domain above 0xffff).
    public init(sysfsName: String) throws(AddressError) {
        let parts = sysfsName.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, Self.isCanonicalDomain(parts[0]), parts[1].count == 2 else {
            throw AddressError.malformed("address", sysfsName)
        }
        let slotFunction = parts[2].split(separator: ".", omittingEmptySubsequences: false)
        guard slotFunction.count == 2, slotFunction[0].count == 2, slotFunction[1].count == 1,
            let domain = UInt32(parts[0], radix: 16), let bus = UInt32(parts[1], radix: 16),
            let slot = UInt32(slotFunction[0], radix: 16), let function = UInt32(slotFunction[1], radix: 16)
        else { throw AddressError.malformed("address", sysfsName) }
        try self.init(domain: domain, bus: bus, slot: slot, function: function)
    }

    /// A domain as the kernel and libvirt print it (`%04x`): four hexadecimal digits, or up to eight
    /// without a leading zero.
    static func isCanonicalDomain(_ text: Substring) -> Bool {
        guard text.count >= 4, text.count <= 8, text.allSatisfy(\.isHexDigit), text == text.lowercased() else {
            return false
        }
        return text.count == 4 || text.first != "0"
    }

    /// Reads a number as libvirt does: `0x` hexadecimal, a leading `0` octal, otherwise decimal.
    /// Signs, spaces, empty strings and values past 32 bits are refused.
    static func parseNumber(_ text: String) -> UInt32? {
        var text = text
        return text.withUTF8 { bytes -> UInt32? in
            var digits = bytes[...]
            var radix: UInt64 = 10
            if digits.count > 2, digits[0] == UInt8(ascii: "0"), digits[1] | 0x20 == UInt8(ascii: "x") {
                digits = digits.dropFirst(2)
                radix = 16
            } else if digits.count > 1, digits[0] == UInt8(ascii: "0") {
                digits = digits.dropFirst()
                radix = 8
            }
            guard !digits.isEmpty else { return nil }
            var value: UInt64 = 0
            for byte in digits {
                let digit: UInt64
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
                default: return nil
                }
                guard digit < radix else { return nil }
                value = value * radix + digit
                guard value <= UInt64(UInt32.max) else { return nil }
            }
            return UInt32(value)
        }
    }

    /// `0000:01:00.0`, the kernel's and lspci's form.
    public var description: String {
        hex(domain, width: 4) + ":" + hex(UInt32(bus), width: 2) + ":" + hex(UInt32(slot), width: 2) + "."
            + hex(UInt32(function), width: 1)
    }

    /// The libvirt node-device name, `pci_0000_01_00_0`.
    public var nodeDeviceName: String {
        "pci_" + hex(domain, width: 4) + "_" + hex(UInt32(bus), width: 2) + "_" + hex(UInt32(slot), width: 2) + "_"
            + hex(UInt32(function), width: 1)
    }

    /// The canonical attributes, in libvirt's order.
    public var xmlAttributes: [(String, String)] {
        [
            ("domain", "0x" + hex(domain, width: 4)), ("bus", "0x" + hex(UInt32(bus), width: 2)),
            ("slot", "0x" + hex(UInt32(slot), width: 2)), ("function", "0x" + hex(UInt32(function), width: 1)),
        ]
    }

    public static func < (lhs: PCIAddress, rhs: PCIAddress) -> Bool {
        (lhs.domain, lhs.bus, lhs.slot, lhs.function) < (rhs.domain, rhs.bus, rhs.slot, rhs.function)
    }
}

/// Lower-case hexadecimal, zero-padded to `width` digits.
func hex(_ value: UInt32, width: Int) -> String {
    // Written in place (short results are stored inline in the String): addresses are written for
    // every device of a listing.
    let digits = max(width, 1, (UInt32.bitWidth - value.leadingZeroBitCount + 3) / 4)
    return String(unsafeUninitializedCapacity: digits) { buffer in
        for index in 0..<digits {
            let nibble = UInt8(truncatingIfNeeded: value >> UInt32(4 * (digits - 1 - index))) & 0xf
            buffer[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
        }
        return digits
    }
}

/// Why a PCI address or device name was refused.
public enum AddressError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A component is missing.
    case missing(String)
    /// A component is not a number libvirt would read.
    case malformed(String, String)
    /// A component is past its maximum.
    case outOfRange(String, UInt32, max: UInt32)
    /// A node-device name that libvirt would never produce.
    case invalidDeviceName(String)

    public var description: String {
        switch self {
        case .missing(let name): "PCI address has no \(name)"
        case .malformed(let name, let text): "PCI \(name) '\(text)' is not a number"
        case .outOfRange(let name, let value, let max):
            "PCI \(name) 0x\(String(value, radix: 16)) is out of range (at most 0x\(String(max, radix: 16)))"
        case .invalidDeviceName(let name): "'\(name)' is not a libvirt node-device name"
        }
    }
}
