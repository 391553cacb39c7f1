/// The PCI part of a sysfs read: `sys/bus/pci/devices`, each device's directory opened once.
extension SysfsReader {
    /// A PCI address the kernel wrote; anything else there is an error, never skipped.
    private func pciAddress(_ name: String, in place: String) throws(InventoryError) -> PCIAddress {
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

    /// libvirt's bridge capability from the configuration header type (byte 0x0e, without the
    /// multi-function bit): 1 is a PCI-to-PCI bridge, 2 a CardBus bridge. A `config` too short to
    /// hold it is an error; a tree without `config` leaves the class to tell.
    private func bridgeCapability(_ device: SysfsDirectory) throws(InventoryError) -> String? {
        guard let bytes = try device.bytes("config", limit: 64) else { return nil }
        guard bytes.count > 0x0e else {
            throw InventoryError(
                .malformed, "\(tree.absolute(device.path("config"))) is too short to hold the header type")
        }
        switch bytes[0x0e] & 0x7f {
        case 1: return "pci-bridge"
        case 2: return "cardbus-bridge"
        default: return nil
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
        var entries: [(address: PCIAddress, path: String)] = []
        let bus = try tree.openDirectory("sys/bus/pci/devices")
        for name in try bus.list() {
            let address = try pciAddress(name, in: "sys/bus/pci/devices")
            entries.append(
                (address, askingLast ? try tree.resolveDirectory(bus.path(name)) : try bus.linkedDirectory(name)))
        }
        // Parents first, so that every device finds its bridge.
        entries.sort { $0.path.count < $1.path.count }
        var groups: [Int: [PCIAddress]] = [:]
        // `virtfnN` links, resolved once every device directory is open (and so known for what it is).
        var virtfns: [(device: Int, index: Int, target: String, directory: String, link: String)] = []
        for entry in entries {
            let base = "sys/bus/pci/devices/" + entry.address.description
            guard let device = try tree.openDirectory(base, real: entry.path, lastAsked: askingLast) else {
                return false
            }
            let entries = try device.list()
            let vendor = try device.hexNumber("vendor").flatMap { UInt16(exactly: $0) }
            let product = try device.hexNumber("device").flatMap { UInt16(exactly: $0) }
            guard vendor != nil, product != nil else {
                throw InventoryError(.malformed, "\(tree.absolute(base)) has no readable vendor and device ids")
            }
            var details = PCIDetails(
                address: entry.address, vendorID: vendor, vendorName: pciIDs.vendor(vendor), productID: product,
                productName: pciIDs.product(vendor, product), classCode: try device.hexNumber("class"))
            details.bridgeCapability = try bridgeCapability(device)
            if let group = try device.linkName("iommu_group").flatMap({ Int($0) }) {
                details.iommuGroup = group
                if groups[group] == nil {
                    let directory = "sys/kernel/iommu_groups/\(group)/devices"
                    groups[group] = try tree.openDirectory(directory).list().map { name throws(InventoryError) in
                        try pciAddress(name, in: directory)
                    }
                }
                details.iommuGroupMembers = groups[group] ?? []
            }
            if let numa = try device.text("numa_node").flatMap({ Int($0) }), numa >= 0 { details.numaNode = numa }
            details.totalVFs = try device.text("sriov_totalvfs").flatMap { Int($0) }
            if let physfn = try device.linkName("physfn") {
                details.physicalFunction = try pciAddress(physfn, in: base + "/physfn")
            }
            for link in entries where link.hasPrefix("virtfn") {
                guard let index = Int(link.dropFirst("virtfn".count)), let target = try device.linkTarget(link)
                else { throw InventoryError(.malformed, "\(tree.absolute(base + "/" + link)) is not a virtfnN link") }
                virtfns.append((devices.count, index, target, device.real, base + "/" + link))
            }
            let name = entry.address.nodeDeviceName
            var host = HostDevice(
                name: name, parent: parent(of: entry.path), capability: "pci", driver: try device.linkName("driver"),
                pci: details)
            host.mdevTypes = try SysfsMdevAndStorage.mdevTypes(of: device.directory("mdev_supported_types"))
            pciByPath[entry.path] = devices.count
            devices.append(host)
            namesByPath[entry.path] = name
        }
        var functions: [Int: [(Int, PCIAddress)]] = [:]
        for link in virtfns {
            let name = try tree.linkName(target: link.target, in: link.directory, asked: link.link)
            functions[link.device, default: []].append((link.index, try pciAddress(name, in: link.link)))
        }
        for (device, virtualFunctions) in functions {
            devices[device].pci?.virtualFunctions = virtualFunctions.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return true
    }
}
