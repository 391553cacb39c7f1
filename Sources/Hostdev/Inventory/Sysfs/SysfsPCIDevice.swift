/// What one PCI device's entry in `sys/bus/pci/devices` and its directory hold, as
/// ``SysfsReader/readPCI()`` takes them: read on any thread, its links' names resolved within the
/// tree, up to the first error, which is kept to be reported where a read one device after
/// another would meet it.
struct SysfsPCIDevice: Sendable {
    /// The address the entry's name gives.
    var address: PCIAddress?
    /// The real path of the directory the entry leads to.
    var path = ""
    /// Why the entry's name or link could not be taken; then its directory was not read.
    var entryFailure: InventoryError?
    /// The directory's last component is a link (asked only when not `askingLast`): nothing was read.
    var isLink = false
    /// What the directory says of the device, once its vendor and device ids were read: without
    /// the ids' names and the group's members, which the read in order adds. Its `iommuGroup` is
    /// set once the `iommu_group` link was read, before anything read after it.
    var details: PCIDetails?
    /// The `virtfnN` links: N, the raw target and the link's name.
    var virtfns: [(index: Int, target: String, name: String)] = []
    var driver: String?
    var mdevTypes: [MdevType] = []
    /// The first error; what would have been read after it is not.
    var failure: InventoryError?

    private init() {}

    /// Reads the entries `names` of `bus` (`sys/bus/pci/devices`, listed) and the directories
    /// they lead to, on as many threads as the machine runs at once; the reads are in the order of
    /// `names`.
    static func read(_ names: [String], in bus: SysfsDirectory, askingLast: Bool, tree: SysfsTree)
        -> [SysfsPCIDevice]
    {
        let listed = ListedDirectory(directory: bus)
        return withExtendedLifetime(bus) {
            ConcurrentMap.map(count: names.count) { index in
                var read = SysfsPCIDevice()
                read.read(names[index], in: listed.directory, askingLast: askingLast, tree: tree)
                return read
            }
        }
    }

    /// Reads the entry `name` of `bus`, then, when it could be taken, the directory it leads to.
    private mutating func read(_ name: String, in bus: SysfsDirectory, askingLast: Bool, tree: SysfsTree) {
        let address: PCIAddress
        do throws(InventoryError) {
            address = try SysfsReader.pciAddress(name, in: "sys/bus/pci/devices", tree: tree)
            self.address = address
            path = askingLast ? try tree.resolveDirectory(bus.path(name)) : try bus.linkedDirectory(name)
        } catch {
            entryFailure = error
            return
        }
        do throws(InventoryError) {
            try read((address, path), askingLast: askingLast, tree: tree)
        } catch {
            failure = error
        }
    }

    /// Reads one device's directory, in the order ``SysfsReader/readPCI()`` reports its errors.
    private mutating func read(_ entry: (address: PCIAddress, path: String), askingLast: Bool, tree: SysfsTree)
        throws(InventoryError)
    {
        let base = "sys/bus/pci/devices/" + entry.address.description
        guard let device = try tree.openDirectory(base, real: entry.path, lastAsked: askingLast) else {
            isLink = true
            return
        }
        let entries = try device.list()
        let vendor = try device.hexNumber("vendor").flatMap { UInt16(exactly: $0) }
        let product = try device.hexNumber("device").flatMap { UInt16(exactly: $0) }
        guard let vendor, let product else {
            throw InventoryError(.malformed, "\(tree.absolute(base)) has no readable vendor and device ids")
        }
        details = PCIDetails(address: entry.address, vendorID: vendor, productID: product)
        details?.classCode = try device.hexNumber("class")
        details?.bridgeCapability = try SysfsReader.bridgeCapability(device)
        details?.iommuGroup = try device.linkName("iommu_group").flatMap { Int($0) }
        if let numa = try device.text("numa_node").flatMap({ Int($0) }), numa >= 0 { details?.numaNode = numa }
        details?.totalVFs = try device.text("sriov_totalvfs").flatMap { Int($0) }
        if let physfn = try device.linkName("physfn") {
            details?.physicalFunction = try SysfsReader.pciAddress(physfn, in: base + "/physfn", tree: tree)
        }
        for link in entries where link.hasPrefix("virtfn") {
            guard let index = Int(link.dropFirst("virtfn".count)), let target = try device.linkTarget(link)
            else { throw InventoryError(.malformed, "\(tree.absolute(base + "/" + link)) is not a virtfnN link") }
            virtfns.append((index, target, link))
        }
        driver = try device.linkName("driver")
        mdevTypes = try SysfsMdevAndStorage.mdevTypes(of: device.directory("mdev_supported_types"))
    }
}

/// A directory listed before it is shared: from then on a ``SysfsDirectory`` is only read (its
/// descriptor, with `readlinkat`, and its sorted entries), which threads may do at once.
private struct ListedDirectory: @unchecked Sendable {
    let directory: SysfsDirectory
}

extension SysfsReader {
    /// libvirt's bridge capability from the configuration header type (byte 0x0e, without the
    /// multi-function bit): 1 is a PCI-to-PCI bridge, 2 a CardBus bridge. A `config` too short to
    /// hold it is an error; a tree without `config` leaves the class to tell.
    static func bridgeCapability(_ device: SysfsDirectory) throws(InventoryError) -> String? {
        guard let bytes = try device.bytes("config", limit: 64) else { return nil }
        guard bytes.count > 0x0e else {
            throw InventoryError(
                .malformed, "\(device.tree.absolute(device.path("config"))) is too short to hold the header type")
        }
        switch bytes[0x0e] & 0x7f {
        case 1: return "pci-bridge"
        case 2: return "cardbus-bridge"
        default: return nil
        }
    }
}
