import Foundation
import Hostdev

/// The mediated-device and SCSI-children parts of a fake tree, laid out as the kernel lays them out.
extension FakeSysfs {
    /// `mdev_supported_types/ID/{name,available_instances,device_api,description,create}` and `devices/`.
    func addMdevTypes(_ types: [MdevType], at path: String) throws {
        for type in types {
            let base = path + "/mdev_supported_types/" + type.id
            try write(base + "/available_instances", "\(type.availableInstances)\n")
            if let name = type.name { try write(base + "/name", name + "\n") }
            if let api = type.deviceAPI { try write(base + "/device_api", api + "\n") }
            if let description = type.description { try write(base + "/description", description + "\n") }
            try write(base + "/create", "")
            try directory(base + "/devices")
        }
    }

    /// An mdev instance under its parent, a `scsi_generic` node or a block device under its SCSI device.
    func addMdevOrStorage(_ device: HostDevice, under parentPath: String) throws -> String? {
        if let mdev = device.mdev {
            let path = parentPath + "/" + mdev.uuid
            try write(path + "/remove", "")
            try link(path, at: "sys/bus/mdev/devices/" + mdev.uuid)
            if let driver = device.driver {
                try directory("sys/bus/mdev/drivers/" + driver)
                try link("sys/bus/mdev/drivers/" + driver, at: path + "/driver")
            }
            if let type = mdev.type {
                try link(parentPath + "/mdev_supported_types/" + type, at: path + "/mdev_type")
                try link(path, at: parentPath + "/mdev_supported_types/" + type + "/devices/" + mdev.uuid)
            }
            if let group = mdev.iommuGroup {
                try directory("sys/kernel/iommu_groups/\(group)/devices")
                try link("sys/kernel/iommu_groups/\(group)", at: path + "/iommu_group")
            }
            return path
        }
        if let char = device.genericCharDevice {
            let name = (char as NSString).lastPathComponent
            let path = parentPath + "/scsi_generic/" + name
            try link(parentPath, at: path + "/device")
            try link(path, at: "sys/class/scsi_generic/" + name)
            return path
        }
        if let storage = device.storage, let block = storage.block {
            let name = (block as NSString).lastPathComponent
            let path = parentPath + "/block/" + name
            try link(parentPath, at: path + "/device")
            try link(path, at: "sys/class/block/" + name)
            if let model = storage.model { try write(parentPath + "/model", model + "\n") }
            // A PCI or virtio parent already has its vendor id, which libvirt reads as the disk's vendor.
            if let vendor = storage.vendor, !FileManager.default.fileExists(atPath: root + "/" + parentPath + "/vendor")
            {
                try write(parentPath + "/vendor", vendor.padding(toLength: 8, withPad: " ", startingAt: 0) + "\n")
            }
            try addBlockAttributes(storage, at: path)
            return path
        }
        return nil
    }

    /// Sizes, the device number, removability and udev's record (`run/udev/data/bMAJOR:MINOR`) of a
    /// block device, as libvirt reads them.
    func addBlockAttributes(_ storage: StorageDetails, at path: String) throws {
        let minor = (try? String(contentsOfFile: root + "/blocks", encoding: .utf8).count) ?? 0
        try append("blocks", "x")
        try write(path + "/dev", "8:\(minor * 16)\n")
        try write(path + "/size", "\(storage.numBlocks ?? (storage.removable?.size ?? 0) / 512)\n")
        try write(path + "/queue/logical_block_size", "\(storage.logicalBlockSize ?? 512)\n")
        try write(path + "/removable", storage.removable == nil ? "0\n" : "1\n")
        var udev = ""
        if let type = storage.driveType { udev += "E:ID_TYPE=\(type == "cdrom" ? "cd" : type)\n" }
        if let bus = storage.bus { udev += "E:ID_BUS=\(bus)\n" }
        if let serial = storage.serial { udev += "E:ID_SERIAL=\(serial)\n" }
        if storage.removable?.available == true { udev += "E:ID_CDROM_MEDIA=1\n" }
        try write("run/udev/data/b8:\(minor * 16)", udev)
    }
}
