/// One entry of VDSM's `mdev` key: a type a parent offers, with its counts as VDSM writes them (strings).
struct VDSMMdevType: Encodable, Equatable {
    var name: String
    var available_instances: String
    var device_api: String?
    var description: String?

    /// `{"nvidia-11": {"name": "GRID M60-0B", "available_instances": "16", …}}`, or `nil` for no types.
    static func dictionary(_ types: [MdevType]) -> [String: VDSMMdevType]? {
        guard !types.isEmpty else { return nil }
        var result: [String: VDSMMdevType] = [:]
        for type in types {
            result[type.id] = VDSMMdevType(
                name: type.name ?? type.id, available_instances: String(type.availableInstances),
                device_api: type.deviceAPI, description: type.description)
        }
        return result
    }
}

extension VDSMParams {
    /// The keys of net, storage, `scsi_generic` and mdev devices.
    mutating func addVDSMExtras(_ device: HostDevice) {
        if let net = device.net { interface = net.interface }
        if let storage = device.storage {
            vendor = storage.vendor
            product = storage.model
        }
        if let char = device.genericCharDevice { udev_path = char }
        if let mdev = device.mdev {
            mdev_type = mdev.type
            uuid = mdev.uuid
            iommu_group = mdev.iommuGroup.map(String.init)
        }
    }
}

extension HostInventory {
    /// The domains that use a device, for the listing: its hostdev owners, and for a mediated device
    /// the domains whose `<hostdev type='mdev'>` names its UUID (a domain whose XML cannot be read
    /// is listed too, rather than hidden).
    func listingOwners(of device: HostDevice) -> [HostDomain] {
        guard let uuid = device.mdev?.uuid else { return owners(of: device) }
        return domains.filter { domain in MdevHostdev.uuids(of: domain)?.contains(uuid) ?? true }
            .sorted { ($0.isActive ? 0 : 1, $0.name) < ($1.isActive ? 0 : 1, $1.name) }
    }
}
