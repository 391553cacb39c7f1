/// Block devices as libvirt lists them (`<capability type='storage'>`): whole disks (never
/// partitions) whose drive type udev knows (`ID_TYPE`, or its CD-ROM, floppy and SD flags), or
/// virtio disks (`/dev/vd*`), which libvirt takes for disks; a loop, zram or device-mapper node is
/// not listed, as libvirt drops it. udev's properties come from the root's
/// `run/udev/data/bMAJOR:MINOR`; the name is `block_KERNELNAME`, with udev's `ID_SERIAL` appended
/// when there is one, every other character than a letter or a digit as `_`.
extension SysfsReader {
    mutating func readBlock() throws(InventoryError) {
        for name in try tree.list("sys/class/block") {
            let base = "sys/class/block/" + name
            guard !tree.exists(base + "/partition") else { continue }
            let properties = try udevProperties(base)
            guard let driveType = Self.driveType(name: name, properties) else { continue }
            let path = try tree.resolve(base)
            var storage = StorageDetails(
                block: "/dev/" + name, model: try tree.text(base + "/device/model").flatMap(Self.nonEmpty),
                vendor: try tree.text(base + "/device/vendor").flatMap(Self.nonEmpty), driveType: driveType,
                serial: properties["ID_SERIAL"], bus: properties["ID_BUS"])
            let blocks = try number(base + "/size")
            let blockSize = try number(base + "/queue/logical_block_size")
            let removable = try tree.text(base + "/removable") == "1"
            if driveType == "disk" || driveType == "sd" || !removable {
                guard let blocks, let blockSize else {
                    throw InventoryError(.malformed, "\(tree.absolute(base)) has no readable size and block size")
                }
                storage.numBlocks = blocks
                storage.logicalBlockSize = blockSize
                storage.size = blocks &* blockSize
            } else {
                let available = properties["ID_CDROM_MEDIA"] == "1" || properties["DKD_MEDIA_AVAILABLE"] == "1"
                storage.removable = .init(available: available, size: available ? (blocks ?? 0) &* (blockSize ?? 0) : 0)
            }
            var device = HostDevice(
                name: Self.libvirtName("block", storage.serial.map { name + "_" + $0 } ?? name),
                parent: parent(of: path), capability: "storage")
            device.storage = storage
            add(device, at: path)
        }
    }

    /// The drive type libvirt gives a block device, or `nil` when it does not list it.
    static func driveType(name: String, _ properties: [String: String]) -> String? {
        if let type = properties["ID_TYPE"], type != "generic" { return type == "cd" ? "cdrom" : type }
        if properties["ID_DRIVE_FLOPPY"] == "1" { return "floppy" }
        if properties["ID_CDROM"] == "1" { return "cdrom" }
        if properties["ID_DRIVE_FLASH_SD"] == "1" { return "sd" }
        return name.hasPrefix("vd") ? "disk" : nil
    }

    /// udev's `E:KEY=VALUE` properties of a block device, empty when udev keeps none.
    private func udevProperties(_ base: String) throws(InventoryError) -> [String: String] {
        guard let dev = try tree.text(base + "/dev"), dev.allSatisfy({ $0.isNumber || $0 == ":" }) else { return [:] }
        var properties: [String: String] = [:]
        for line in (try tree.text("run/udev/data/b" + dev) ?? "").split(separator: "\n") where line.hasPrefix("E:") {
            let pair = line.dropFirst(2).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { properties[String(pair[0])] = String(pair[1]) }
        }
        return properties
    }

    private func number(_ relative: String) throws(InventoryError) -> UInt64? {
        guard let text = try tree.text(relative) else { return nil }
        guard let value = UInt64(text) else {
            throw InventoryError(.malformed, "\(tree.absolute(relative)) holds '\(text)', not a number")
        }
        return value
    }

    private static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
}
