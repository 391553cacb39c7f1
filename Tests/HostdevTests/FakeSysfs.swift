import Foundation
import Hostdev

/// A sysfs tree under a temporary root, laid out as the kernel lays it out (device directories under
/// `sys/devices`, relative links from `sys/bus`, `sys/class`, `sys/kernel/iommu_groups`, `driver`,
/// `iommu_group`, `physfn`, `virtfnN`), built from a ``HostInventory`` so that it mirrors a sample
/// host exactly. Knobs set what a host check reads: the kernel command line, `/dev/vfio` nodes,
/// accounts, mounts, swaps, interface states.
final class FakeSysfs {
    let root: String
    private let files = FileManager.default

    /// Builds the tree for `inventory` under a fresh temporary directory.
    init(mirroring inventory: HostInventory, commandLine: String = "BOOT_IMAGE=/vmlinuz ro intel_iommu=on iommu=pt")
        throws
    {
        root = NSTemporaryDirectory() + "hostdev-sysfs-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try files.createDirectory(atPath: root, withIntermediateDirectories: true)
        try write("proc/cmdline", commandLine + "\n")
        try directory("sys/class/iommu/dmar0")
        try directory("sys/bus/pci/drivers/vfio-pci")
        try write("dev/vfio/vfio", "")
        var paths: [String: String] = [:]
        var pending = inventory.devices.filter { $0.name != "computer" }
        var pciIDs = "", usbIDs = ""
        // Parents before children: repeat until every device found its parent's directory.
        while !pending.isEmpty {
            let before = pending.count
            pending = try pending.filter { device in
                let parentPath = device.parent.flatMap { paths[$0] }
                if let parent = device.parent, parent != "computer", parentPath == nil,
                    inventory.device(named: parent) != nil
                {
                    return true
                }
                paths[device.name] = try add(device, under: parentPath, inventory: inventory)
                return false
            }
            if pending.count == before { throw CocoaError(.fileWriteUnknown) }
        }
        for device in inventory.devices {
            if let pci = device.pci, let vendor = pci.vendorID, let product = pci.productID {
                pciIDs += String(
                    format: "%04x  %@\n\t%04x  %@\n", vendor, pci.vendorName ?? "", product, pci.productName ?? "")
            }
            if let usb = device.usb, let vendor = usb.vendorID, let product = usb.productID {
                usbIDs += String(
                    format: "%04x  %@\n\t%04x  %@\n", vendor, usb.vendorName ?? "", product, usb.productName ?? "")
            }
        }
        try write("usr/share/misc/pci.ids", pciIDs)
        try write("usr/share/misc/usb.ids", usbIDs)
        for group in inventory.groupNumbers { try vfioNode(group: group, uid: 0, gid: 0, mode: 0o600) }
    }

    deinit { try? files.removeItem(atPath: root) }

    private func add(_ device: HostDevice, under parentPath: String?, inventory: HostInventory) throws -> String? {
        if let pci = device.pci {
            let base = parentPath ?? String(format: "sys/devices/pci%04x:00", pci.address.domain)
            let path = base + "/" + pci.address.description
            try write(path + "/vendor", String(format: "0x%04x\n", pci.vendorID ?? 0))
            try write(path + "/device", String(format: "0x%04x\n", pci.productID ?? 0))
            try write(path + "/class", String(format: "0x%06x\n", pci.classCode ?? 0))
            try write(path + "/numa_node", "\(pci.numaNode ?? -1)\n")
            var config = [UInt8](repeating: 0, count: 64)
            config[0x0e] = pci.bridgeCapability == "pci-bridge" ? 1 : pci.bridgeCapability == "cardbus-bridge" ? 2 : 0
            try directory(path)
            try Data(config).write(to: URL(fileURLWithPath: root + "/" + path + "/config"))
            if let total = pci.totalVFs { try write(path + "/sriov_totalvfs", "\(total)\n") }
            try link(path, at: "sys/bus/pci/devices/" + pci.address.description)
            if let driver = device.driver {
                try directory("sys/bus/pci/drivers/" + driver)
                try link("sys/bus/pci/drivers/" + driver, at: path + "/driver")
            }
            if let group = pci.iommuGroup {
                try directory("sys/kernel/iommu_groups/\(group)/devices")
                try link("sys/kernel/iommu_groups/\(group)", at: path + "/iommu_group")
                try link(path, at: "sys/kernel/iommu_groups/\(group)/devices/" + pci.address.description)
            }
            if let physfn = pci.physicalFunction {
                let sibling = (path as NSString).deletingLastPathComponent + "/" + physfn.description
                try link(sibling, at: path + "/physfn")
            }
            for (index, vf) in pci.virtualFunctions.enumerated() {
                let sibling = (path as NSString).deletingLastPathComponent + "/" + vf.description
                try link(sibling, at: path + "/virtfn\(index)")
            }
            try addMdevTypes(device.mdevTypes, at: path)
            return path
        }
        // Under a virtio PCI device, the kernel puts a virtio bus device between (…/0000:00:03.0/virtio2/net/eth0).
        let parentPath = try parentPath.map { path in
            guard let parent = device.parent.flatMap({ inventory.device(named: $0) }), parent.pci?.vendorID == 0x1af4
            else { return path }
            let virtio = path + "/virtio\(parent.pci?.address.slot ?? 0)"
            try write(virtio + "/vendor", "0x1af4\n")
            return virtio
        }
        if let net = device.net {
            // A virtual interface (parent computer) lives under sys/devices/virtual and has no device link.
            let path = (parentPath ?? "sys/devices/virtual") + "/net/" + net.interface
            try write(path + "/address", (net.address ?? "") + "\n")
            try write(path + "/operstate", "down\n")
            if let parentPath { try link(parentPath, at: path + "/device") }
            try link(path, at: "sys/class/net/" + net.interface)
            return path
        }
        guard let parentPath else { return nil }
        if let type = device.drmType {
            let name = String(device.name.dropFirst("drm_".count))
            let base = ["primary": 0, "control": 1, "render": 2][type] ?? 0
            let path = parentPath + "/drm/" + name
            try write(path + "/dev", "226:\(base * 64 + (Int(name.filter(\.isNumber)) ?? 0) % 64)\n")
            try link(path, at: "sys/class/drm/" + name)
            return path
        }
        if let target = device.scsiTargetName {
            let path = parentPath + "/" + target
            try directory(path)
            try link(path, at: "sys/bus/scsi/devices/" + target)
            return path
        }
        if let interface = device.usbInterface {
            let kernelName = device.name.dropFirst(4).split(separator: "_").map(String.init)
            let name = kernelName.dropLast(2).joined(separator: "-") + ":" + kernelName.suffix(2).joined(separator: ".")
            let path = parentPath + "/" + name
            let fields = [
                ("bInterfaceNumber", interface.number), ("bInterfaceClass", interface.interfaceClass),
                ("bInterfaceSubClass", interface.subclass), ("bInterfaceProtocol", interface.protocol),
            ]
            for (field, value) in fields { try write(path + "/" + field, String(format: "%02x\n", value)) }
            try link(path, at: "sys/bus/usb/devices/" + name)
            return path
        }
        if let usb = device.usb {
            let kernelName =
                device.name == "usb_usb\(usb.bus)"
                ? "usb\(usb.bus)" : device.name.dropFirst(4).replacingOccurrences(of: "_", with: "-")
            let path = parentPath + "/" + kernelName
            try write(path + "/busnum", "\(usb.bus)\n")
            try write(path + "/devnum", "\(usb.device)\n")
            try write(path + "/idVendor", String(format: "%04x\n", usb.vendorID ?? 0))
            try write(path + "/idProduct", String(format: "%04x\n", usb.productID ?? 0))
            try link(path, at: "sys/bus/usb/devices/" + kernelName)
            if let driver = device.driver {
                try directory("sys/bus/usb/drivers/" + driver)
                try link("sys/bus/usb/drivers/" + driver, at: path + "/driver")
            }
            return path
        }
        if let number = device.scsiHostNumber {
            let host = "host\(number)"
            let path = parentPath + "/" + host
            try directory(path + "/scsi_host/" + host)
            try link(path + "/scsi_host/" + host, at: "sys/class/scsi_host/" + host)
            return path
        }
        if let scsi = device.scsi {
            let kernelName = "\(scsi.host):\(scsi.bus):\(scsi.target):\(scsi.unit)"
            let underTarget = device.parent?.hasPrefix("scsi_target") == true
            let path =
                parentPath + (underTarget ? "/" : "/target\(scsi.host):\(scsi.bus):\(scsi.target)/") + kernelName
            try write(path + "/type", scsi.type == "disk" ? "0\n" : "5\n")
            try link(path, at: "sys/bus/scsi/devices/" + kernelName)
            if let driver = device.driver {
                try directory("sys/bus/scsi/drivers/" + driver)
                try link("sys/bus/scsi/drivers/" + driver, at: path + "/driver")
            }
            return path
        }
        return try addMdevOrStorage(device, under: parentPath)
    }

    // MARK: Knobs

    /// Sets `/dev/vfio/N`'s owner, group and mode.
    func vfioNode(group: Int, uid: UInt32, gid: UInt32, mode: UInt32) throws {
        let path = root + "/dev/vfio/\(group)"
        if !files.fileExists(atPath: path) { try write("dev/vfio/\(group)", "") }
        chown(path, uid, gid)
        chmod(path, mode_t(mode))
    }

    /// Writes `etc/passwd` and `etc/group`.
    func accounts(passwd: String, group: String) throws {
        try write("etc/passwd", passwd)
        try write("etc/group", group)
    }

    /// A block device `name` on PCI device `address` (a disk with a partition), optionally mounted.
    func blockDevice(_ name: String, partition: String, on address: PCIAddress, mountedOn mountPoint: String?) throws {
        let devicePath = pathOfPCI(address) + "/nvme/nvme0/" + name
        try directory(devicePath + "/" + partition)
        try link(devicePath, at: "sys/class/block/" + name)
        try link(devicePath + "/" + partition, at: "sys/class/block/" + partition)
        if let mountPoint { try append("proc/mounts", "/dev/\(partition) \(mountPoint) ext4 rw,relatime 0 0\n") }
    }

    /// Marks a network interface up or down.
    func interface(_ name: String, up: Bool) throws {
        try write("sys/class/net/\(name)/operstate", up ? "up\n" : "down\n")
    }

    /// Writes any file under the root; never through a link (some tests plant links to files
    /// outside the root, and the suite runs as root).
    func write(_ relative: String, _ text: String) throws {
        let path = root + "/" + relative
        try files.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.write(descriptor, $0.baseAddress, $0.count) }) == bytes.count else {
            throw POSIXError(.EIO)
        }
    }

    func append(_ relative: String, _ text: String) throws {
        let existing = (try? String(contentsOfFile: root + "/" + relative, encoding: .utf8)) ?? ""
        try write(relative, existing + text)
    }

    func directory(_ relative: String) throws {
        try files.createDirectory(atPath: root + "/" + relative, withIntermediateDirectories: true)
    }

    /// A relative symbolic link at `relative` pointing at `target` (both relative to the root).
    func link(_ target: String, at relative: String) throws {
        let from = (relative as NSString).deletingLastPathComponent.split(separator: "/")
        let to = target.split(separator: "/")
        var common = 0
        while common < from.count, common < to.count, from[common] == to[common] { common += 1 }
        let up = Array(repeating: "..", count: from.count - common)
        let path = (up + to[common...].map(String.init)).joined(separator: "/")
        try files.createDirectory(
            atPath: root + "/" + (relative as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? files.removeItem(atPath: root + "/" + relative)
        try files.createSymbolicLink(atPath: root + "/" + relative, withDestinationPath: path)
    }

    /// The real directory of a PCI device in the tree.
    func pathOfPCI(_ address: PCIAddress) -> String {
        let link = root + "/sys/bus/pci/devices/" + address.description
        let resolved = (link as NSString).resolvingSymlinksInPath
        return String(resolved.dropFirst(root.count + 1))
    }
}
