/// The PCI part of a sysfs read: `sys/bus/pci/devices`, each device's directory opened once.
extension SysfsReader {
    /// A PCI address the kernel wrote; anything else there is an error, never skipped.
    private func pciAddress(_ name: String, in place: String) throws(InventoryError) -> PCIAddress {
        try Self.pciAddress(name, in: place, tree: tree)
    }

    /// ``pciAddress(_:in:)`` of a tree.
    static func pciAddress(_ name: String, in place: String, tree: SysfsTree) throws(InventoryError) -> PCIAddress {
        if let canonical = name.utf8.withContiguousStorageIfAvailable(Self.canonicalAddress), let canonical {
            return canonical
        }
        do throws(AddressError) {
            return try PCIAddress(sysfsName: name)
        } catch {
            throw InventoryError(
                .malformed, "\(tree.absolute(place)): '\(DeviceName.printable(name))' is not a PCI address")
        }
    }

    /// The address in the form the kernel writes its names (`0000:01:00.0`, lowercase), read
    /// without splitting; `nil` for any other form, which ``PCIAddress/init(sysfsName:)`` reads.
    private static func canonicalAddress(_ bytes: UnsafeBufferPointer<UInt8>) -> PCIAddress? {
        guard bytes.count == 12, bytes[4] == UInt8(ascii: ":"), bytes[7] == UInt8(ascii: ":"),
            bytes[10] == UInt8(ascii: ".")
        else { return nil }
        func hex(_ range: Range<Int>) -> UInt32? {
            var value: UInt32 = 0
            for byte in bytes[range] {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt32(byte - UInt8(ascii: "a") + 10)
                default: return nil
                }
            }
            return value
        }
        guard let domain = hex(0..<4), let bus = hex(5..<7), let slot = hex(8..<10), let function = hex(11..<12),
            slot <= 0x1f, function <= 7
        else { return nil }
        do {
            return try PCIAddress(domain: domain, bus: bus, slot: slot, function: function)
        } catch {
            return nil
        }
    }

    /// The PCI devices, parents first. Each device's real path is where its `sys/bus/pci/devices`
    /// link leads, the last component taken as a directory without asking: its directory is opened
    /// with `O_NOFOLLOW`, which tells. A link there (never one in the kernel's tree) makes the read
    /// start again, every component asked, as any path is resolved.
    mutating func readPCI() throws(InventoryError) {
        if try readPCI(askingLast: false) { return }
        devices.removeAll()
        namesByPath.removeAll()
        pciByPath.removeAll()
        _ = try readPCI(askingLast: true)
    }

    /// Reads the PCI devices; false when, not `askingLast`, a device's last component is a link.
    private mutating func readPCI(askingLast: Bool) throws(InventoryError) -> Bool {
        let bus = try tree.openDirectory("sys/bus/pci/devices")
        // Each entry and directory is read on any thread; what was read is taken in the order of a
        // read one device after another: every entry's name and link, then each directory.
        let reads = SysfsPCIDevice.read(try bus.list(), in: bus, askingLast: askingLast, tree: tree)
        var entries: [(address: PCIAddress, path: String, read: Int)] = []
        entries.reserveCapacity(reads.count)
        for (index, read) in reads.enumerated() {
            if let failure = read.entryFailure { throw failure }
            guard let address = read.address else { continue }
            entries.append((address, read.path, index))
        }
        // Parents first, so that every device finds its bridge.
        entries.sort { $0.path.count < $1.path.count }
        var groups: [Int: [PCIAddress]] = [:]
        // `virtfnN` links, resolved once every device directory is open (and so known for what it is).
        var virtfns: [(device: Int, index: Int, target: String, directory: String, link: String)] = []
        for entry in entries {
            let read = reads[entry.read]
            if read.isLink { return false }
            // The group's members are listed when its link was read, before what was read after it.
            if let group = read.details?.iommuGroup, groups[group] == nil {
                let directory = "sys/kernel/iommu_groups/\(group)/devices"
                groups[group] = try tree.openDirectory(directory).list().map { name throws(InventoryError) in
                    try pciAddress(name, in: directory)
                }
            }
            if let failure = read.failure { throw failure }
            guard var details = read.details else { preconditionFailure("a device read without error has details") }
            details.vendorName = pciIDs.vendor(details.vendorID)
            details.productName = pciIDs.product(details.vendorID, details.productID)
            if let group = details.iommuGroup { details.iommuGroupMembers = groups[group] ?? [] }
            if !read.virtfns.isEmpty {
                let base = "sys/bus/pci/devices/" + entry.address.description
                for link in read.virtfns {
                    virtfns.append((devices.count, link.index, link.target, entry.path, base + "/" + link.name))
                }
            }
            let name = entry.address.nodeDeviceName
            var host = HostDevice(
                name: name, parent: parent(of: entry.path), capability: "pci", driver: read.driver, pci: details)
            host.mdevTypes = read.mdevTypes
            pciByPath[entry.path] = devices.count
            devices.append(host)
            namesByPath[entry.path] = name
        }
        // Resolved on any thread, taken in order: the first error is that of the first link.
        let (tree, links) = (tree, virtfns)
        let addresses = ConcurrentMap.map(count: links.count) { index in
            let link = links[index]
            return Result { () throws(InventoryError) in
                let name = try tree.linkName(target: link.target, in: link.directory, asked: link.link)
                return try Self.pciAddress(name, in: link.link, tree: tree)
            }
        }
        var functions: [Int: [(Int, PCIAddress)]] = [:]
        for (link, address) in zip(links, addresses) {
            functions[link.device, default: []].append((link.index, try address.get()))
        }
        for (device, virtualFunctions) in functions {
            devices[device].pci?.virtualFunctions = virtualFunctions.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return true
    }
}
