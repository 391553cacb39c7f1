import FoundationEssentials

/// `hostDeviceLookupByCapability` and `hostDeviceLookupByDomain`: devices selected from an
/// inventory and written as VDSM's dictionary or as a table for people.
public struct DeviceListing: Sendable {
    /// The selected devices, in inventory order.
    public let devices: [HostDevice]
    /// The inventory they came from.
    public let inventory: HostInventory

    /// libvirt's node-device capability names, the ones `virsh nodedev-list --cap` takes: the
    /// capabilities a listing can select.
    public static let knownCapabilities: [String] = [
        "system", "pci", "usb_device", "usb", "net", "scsi_host", "scsi_target", "scsi", "storage", "fc_host",
        "vports", "scsi_generic", "drm", "mdev_types", "mdev", "ccw", "css", "vdpa", "ap_card", "ap_queue",
        "ap_matrix", "vpd",
    ]

    /// Checks capability names before a listing is made (and before its host is read).
    ///
    /// - Parameter capabilities: the names a caller asked for.
    /// - Throws: ``InventoryError`` (`malformed`) naming the unknown ones and listing
    ///   ``knownCapabilities``: a misspelt capability must not pass as an empty listing.
    public static func checkCapabilities(_ capabilities: [String]) throws(InventoryError) {
        var seen = Set<String>()
        let unknown = capabilities.filter { !knownCapabilities.contains($0) && seen.insert($0).inserted }
        guard unknown.isEmpty else {
            let names = unknown.map { "'\($0)'" }.joined(separator: ", ")
            throw InventoryError(
                .malformed,
                "unknown capabilit\(unknown.count == 1 ? "y" : "ies") \(names); known: "
                    + knownCapabilities.joined(separator: ", "))
        }
    }

    /// Selects devices.
    /// - Parameters:
    ///   - inventory: the host.
    ///   - capabilities: keep devices with any of these capabilities (`pci`, `usb_device`, …); all when empty.
    ///     Each must be one of ``knownCapabilities``.
    ///   - domain: keep devices that this domain (name or UUID) names as hostdev sources.
    /// - Throws: ``InventoryError`` for an unknown capability (see ``checkCapabilities(_:)``) or domain.
    public init(inventory: HostInventory, capabilities: [String] = [], domain: String? = nil) throws(InventoryError) {
        try Self.checkCapabilities(capabilities)
        var selected = inventory.devices
        if !capabilities.isEmpty {
            // `mdev_types` is libvirt's flag for the parents of mediated devices, not a device's own capability.
            selected = selected.filter { device in
                capabilities.contains(device.capability)
                    || (capabilities.contains("mdev_types") && !device.mdevTypes.isEmpty)
            }
        }
        if let domain {
            guard let record = inventory.domain(named: domain) else {
                throw InventoryError(.malformed, "no domain named '\(domain)' on \(inventory.origin)")
            }
            selected = selected.filter { device in record.hostdevSources.contains { $0.matches(device) } }
        }
        self.devices = selected
        self.inventory = inventory
    }

    /// VDSM's shape: `{"NAME": {"params": {...}, "vmId": "UUID"}}`, keys sorted, pretty-printed.
    public func vdsmJSON() -> String { Self.json(vdsmEntries()) }

    /// The entries of VDSM's dictionary, by device name.
    func vdsmEntries() -> [String: VDSMEntry] {
        var entries = [String: VDSMEntry](minimumCapacity: devices.count)
        for device in devices {
            let owner = inventory.listingOwners(of: device).first
            entries[device.name] = VDSMEntry(params: VDSMParams(device, inventory: inventory), vmId: owner?.uuid)
        }
        return entries
    }

    /// An aligned table grouped by IOMMU group, for people.
    public func table() -> String {
        let header = ["NAME", "ADDRESS", "GROUP", "CLASS", "VENDOR:PRODUCT", "DRIVER", "OWNER", "DESCRIPTION"]
        var rows: [[String]] = []
        let pci = devices.filter { $0.pci != nil }
        let grouped = Dictionary(grouping: pci) { $0.pci?.iommuGroup ?? -1 }
        for group in grouped.keys.sorted(by: { ($0 < 0 ? Int.max : $0) < ($1 < 0 ? Int.max : $1) }) {
            for device in grouped[group]! {
                let details = device.pci!
                rows.append([
                    device.name, details.address.description, group < 0 ? "-" : String(group),
                    details.classCode.map { "0x" + hex($0, width: 6) } ?? "-",
                    idPair(details.vendorID, details.productID), device.driver ?? "-", ownerNames(device),
                    details.productName ?? "",
                ])
            }
        }
        for device in devices where device.pci == nil {
            let address: String =
                if let usb = device.usb { "usb \(usb.bus):\(usb.device)" } else if let scsi = device.scsi {
                    "scsi \(scsi.host):\(scsi.bus):\(scsi.target):\(scsi.unit)"
                } else { device.capability }
            rows.append([
                device.name, address, "-", "-", idPair(device.usb?.vendorID, device.usb?.productID),
                device.driver ?? "-", ownerNames(device),
                device.usb?.productName ?? device.scsi?.type ?? device.mdev?.type.map { "mdev type " + $0 }
                    ?? device.storage?.model ?? device.genericCharDevice ?? "",
            ])
        }
        return TextTable.render(header: header, rows: rows)
    }

    private func ownerNames(_ device: HostDevice) -> String {
        let owners = inventory.listingOwners(of: device)
        return owners.isEmpty ? "-" : owners.map { $0.name + ($0.isActive ? "" : " (off)") }.joined(separator: ",")
    }

    private func idPair(_ vendor: UInt16?, _ product: UInt16?) -> String {
        guard let vendor, let product else { return "-" }
        return hex(UInt32(vendor), width: 4) + ":" + hex(UInt32(product), width: 4)
    }
}

/// One entry of VDSM's device dictionary.
struct VDSMEntry: Encodable {
    var params: VDSMParams
    var vmId: String?
}

/// VDSM's `params` for a host device.
struct VDSMParams: Encodable {
    var capability: String
    var parent: String?
    var driver: String?
    var vendor: String?
    var vendor_id: String?
    var product: String?
    var product_id: String?
    var iommu_group: String?
    var numa_node: String?
    var is_assignable: String
    var address: [String: String]?
    var physfn: String?
    var totalvfs: Int?
    var vfs: [String]?
    var mdev: [String: VDSMMdevType]?
    var mdev_type: String?
    var uuid: String?
    var interface: String?
    var udev_path: String?
    var block_path: String?

    init(_ device: HostDevice, inventory: HostInventory) {
        capability = device.capability
        parent = device.parent
        driver = device.driver
        is_assignable = inventory.assignmentProblem(of: device) == nil ? "true" : "false"
        if let pci = device.pci {
            vendor = pci.vendorName
            vendor_id = pci.vendorID.map { "0x" + hex(UInt32($0), width: 4) }
            product = pci.productName
            product_id = pci.productID.map { "0x" + hex(UInt32($0), width: 4) }
            iommu_group = pci.iommuGroup.map(String.init)
            numa_node = pci.numaNode.map(String.init)
            address = [
                "domain": String(pci.address.domain), "bus": String(pci.address.bus),
                "slot": String(pci.address.slot), "function": String(pci.address.function),
            ]
            physfn = pci.physicalFunction?.nodeDeviceName
            totalvfs = pci.totalVFs
            vfs = pci.virtualFunctions.isEmpty ? nil : pci.virtualFunctions.map(\.nodeDeviceName)
            mdev = VDSMMdevType.dictionary(device.mdevTypes)
        } else if let usb = device.usb {
            vendor = usb.vendorName
            vendor_id = usb.vendorID.map { "0x" + hex(UInt32($0), width: 4) }
            product = usb.productName
            product_id = usb.productID.map { "0x" + hex(UInt32($0), width: 4) }
            address = ["bus": String(usb.bus), "device": String(usb.device)]
        } else if let scsi = device.scsi {
            address = [
                "host": String(scsi.host), "bus": String(scsi.bus), "target": String(scsi.target),
                "lun": String(scsi.unit),
            ]
            let storage = inventory.child(of: device, capability: "storage")?.storage
            vendor = storage?.vendor
            product = storage?.model
            udev_path = inventory.scsiGenericPath(of: device)
            block_path = storage?.block
        }
        addVDSMExtras(device)
    }
}
