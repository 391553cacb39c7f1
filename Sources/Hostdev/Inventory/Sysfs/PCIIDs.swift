/// Vendor and device names from a `pci.ids` or `usb.ids` file (the hwdata format udev and libvirt
/// use), so that a sysfs inventory names devices as libvirt does.
struct IDDatabase {
    private var vendors: [UInt16: String] = [:]
    private var products: [UInt32: String] = [:]

    /// The most a database may hold: Debian's `pci.ids` is 1.4 MB.
    static let maxBytes = 16 << 20

    /// Reads the first database of `candidates` the tree has, as a stream; an empty database when
    /// none is there, an error when one cannot be read or is past ``maxBytes``.
    init(tree: SysfsTree, candidates: [String]) throws(InventoryError) {
        for path in candidates {
            var vendor: UInt16?
            var classes = false
            let found = try tree.forEachLine(path, limit: Self.maxBytes) { line in
                if classes || line.isEmpty || line.hasPrefix("#") { return }
                if line.hasPrefix("C ") {  // the class list that ends the device list
                    classes = true
                    return
                }
                if line.hasPrefix("\t\t") { return }
                if line.hasPrefix("\t") {
                    guard let vendor, let (id, name) = Self.entry(line.dropFirst()) else { return }
                    products[UInt32(vendor) << 16 | UInt32(id)] = name
                } else if let (id, name) = Self.entry(line) {
                    vendor = id
                    vendors[id] = name
                } else {
                    vendor = nil
                }
            }
            if found { return }
        }
    }

    private static func entry(_ line: Substring) -> (UInt16, String)? {
        guard line.count > 6, let id = UInt16(line.prefix(4), radix: 16) else { return nil }
        return (id, line.dropFirst(4).trimmingSpaces)
    }

    func vendor(_ id: UInt16?) -> String? { id.flatMap { vendors[$0] } }

    func product(_ vendor: UInt16?, _ product: UInt16?) -> String? {
        guard let vendor, let product else { return nil }
        return products[UInt32(vendor) << 16 | UInt32(product)]
    }
}

extension Substring {
    var trimmingSpaces: String {
        var slice = self
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice = slice.dropLast() }
        return String(slice)
    }
}
