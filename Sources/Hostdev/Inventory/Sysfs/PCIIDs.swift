/// Vendor and device names from a `pci.ids` or `usb.ids` file (the hwdata format udev and libvirt
/// use), so that a sysfs inventory names devices as libvirt does.
struct IDDatabase {
    private var vendors: [UInt16: String] = [:]
    private var products: [UInt32: String] = [:]

    /// Reads the database at a path of the tree; an empty database when it is absent.
    init(tree: SysfsTree, candidates: [String]) {
        for path in candidates {
            guard let text = try? tree.text(path) else { continue }
            var vendor: UInt16?
            for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                if line.hasPrefix("#") { continue }
                if line.hasPrefix("C ") { break }  // the class list that ends the device list
                if line.hasPrefix("\t\t") { continue }
                if line.hasPrefix("\t") {
                    guard let vendor, let (id, name) = Self.entry(line.dropFirst()) else { continue }
                    products[UInt32(vendor) << 16 | UInt32(id)] = name
                } else if let (id, name) = Self.entry(line[...]) {
                    vendor = id
                    vendors[id] = name
                } else {
                    vendor = nil
                }
            }
            return
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
