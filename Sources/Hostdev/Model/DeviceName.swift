/// A libvirt node-device name, parsed strictly before it can reach a path or a lookup.
///
/// libvirt builds names from ASCII letters, digits, `_` and (in mediated-device names) `-`, so
/// anything else (`pci_../../etc`, `/dev/sda`, a NUL byte) is refused.
public enum DeviceName: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// `pci_DDDD_BB_SS_F`.
    case pci(PCIAddress)
    /// Any other well-formed name (`usb_1_3`, `scsi_0_0_0_0`, `net_eth0_…`, `computer`).
    case other(String)

    /// The longest name accepted.
    public static let maxLength = 255

    /// Parses a name, refusing anything libvirt would not produce.
    public init(_ text: String) throws(AddressError) {
        guard !text.isEmpty, text.utf8.count <= DeviceName.maxLength,
            text.utf8.allSatisfy({ DeviceName.isNameByte($0) }),
            let first = text.utf8.first, first != UInt8(ascii: "_"), first != UInt8(ascii: "-")
        else { throw AddressError.invalidDeviceName(DeviceName.printable(text)) }
        if text.hasPrefix("pci_") {
            let parts = text.split(separator: "_", omittingEmptySubsequences: false)
            guard parts.count == 5, PCIAddress.isCanonicalDomain(parts[1]), parts[2].count == 2, parts[3].count == 2,
                parts[4].count == 1, parts.dropFirst().allSatisfy({ $0.utf8.allSatisfy(DeviceName.isLowerHexByte) }),
                let domain = UInt32(parts[1], radix: 16), let bus = UInt32(parts[2], radix: 16),
                let slot = UInt32(parts[3], radix: 16), let function = UInt32(parts[4], radix: 16)
            else {
                // libvirt also names PCI devices `pci_VENDOR_PRODUCT` on some backends; accept as other.
                self = .other(text)
                return
            }
            self = .pci(try PCIAddress(domain: domain, bus: bus, slot: slot, function: function))
            return
        }
        self = .other(text)
    }

    /// 0-9 and a-f: libvirt writes PCI names in lower case only.
    private static func isLowerHexByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// Shows control characters escaped, so an error message never carries them raw.
    static func printable(_ text: String) -> String {
        let shown = text.unicodeScalars.prefix(80).map { scalar in
            scalar.value < 0x20 || scalar.value == 0x7f ? scalar.escaped(asASCII: true) : String(scalar)
        }
        return shown.joined() + (text.unicodeScalars.count > 80 ? "…" : "")
    }

    /// The name as libvirt writes it.
    public var description: String {
        switch self {
        case .pci(let address): address.nodeDeviceName
        case .other(let name): name
        }
    }

    /// The PCI address, for a PCI name.
    public var pciAddress: PCIAddress? {
        if case .pci(let address) = self { return address }
        return nil
    }

    public static func < (lhs: DeviceName, rhs: DeviceName) -> Bool {
        switch (lhs, rhs) {
        case (.pci(let left), .pci(let right)): left < right
        case (.pci, .other): true
        case (.other, .pci): false
        case (.other(let left), .other(let right)): left < right
        }
    }
}
