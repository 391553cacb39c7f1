/// What a sysfs read adds beyond PCI, USB, SCSI and net devices: each parent's mediated-device
/// types (`mdev_supported_types/ID/{name,available_instances,device_api,description}`), the
/// existing mediated devices (`/sys/bus/mdev/devices/UUID`), and the `scsi_generic` children of
/// SCSI devices (`/sys/class/scsi_generic/sgN`), named as libvirt names them (`mdev_UUID`,
/// `scsi_generic_sgN`); block devices are `SysfsReader.readBlock`'s.
enum SysfsMdevAndStorage {
    /// Adds the mediated and `scsi_generic` devices; `pciByPath` gives the index of each PCI device
    /// in `devices` by its real path.
    static func read(tree: SysfsTree, pciByPath: [String: Int], into devices: inout [HostDevice])
        throws(InventoryError)
    {
        for uuid in try tree.list("sys/bus/mdev/devices") {
            let base = "sys/bus/mdev/devices/" + uuid
            guard UUIDText.isValid(uuid), uuid.count == 36 else {
                throw InventoryError(.malformed, "\(tree.absolute(base)) is not named by a UUID")
            }
            let path = try tree.resolve(base)
            let parent = pciByPath[String(path.split(separator: "/").dropLast().joined(separator: "/"))]
            var device = HostDevice(
                name: MdevDetails.nodeDeviceName(uuid: uuid),
                parent: parent.map { devices[$0].name } ?? "computer", capability: "mdev",
                driver: try tree.linkName(base + "/driver"))
            device.mdev = MdevDetails(
                uuid: uuid.lowercased(), type: try tree.linkName(base + "/mdev_type"),
                iommuGroup: try tree.linkName(base + "/iommu_group").flatMap { Int($0) })
            devices.append(device)
        }
        var scsiByPath: [String: String] = [:]
        for device in devices {
            guard let scsi = device.scsi else { continue }
            scsiByPath[try tree.resolve("sys/bus/scsi/devices/\(scsi.host):\(scsi.bus):\(scsi.target):\(scsi.unit)")] =
                device.name
        }
        for name in try tree.list("sys/class/scsi_generic") {
            let link = "sys/class/scsi_generic/\(name)/device"
            guard tree.exists(link), let parent = scsiByPath[try tree.resolve(link)] else { continue }
            var device = HostDevice(name: "scsi_generic_" + name, parent: parent, capability: "scsi_generic")
            device.genericCharDevice = "/dev/" + name
            devices.append(device)
        }
    }

    /// A parent's mediated-device types, from its `mdev_supported_types` directory.
    static func mdevTypes(of supported: SysfsDirectory) throws(InventoryError) -> [MdevType] {
        var types: [MdevType] = []
        for id in try supported.list() {
            let directory = try supported.directory(id)
            guard let text = try directory.text("available_instances"), let available = Int(text) else {
                throw InventoryError(
                    .malformed, "\(supported.tree.absolute(directory.relative))/available_instances is not a number")
            }
            types.append(
                MdevType(
                    id: id, name: try directory.text("name").flatMap(nonEmpty),
                    deviceAPI: try directory.text("device_api").flatMap(nonEmpty), availableInstances: available,
                    description: try directory.text("description").flatMap(nonEmpty)))
        }
        return types
    }

    private static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
}
