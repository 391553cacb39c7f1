#if canImport(Glibc)
    import Glibc
#endif

/// Reads a sysfs tree (`ROOT/sys/bus/pci/devices`, `ROOT/sys/kernel/iommu_groups`, …) as the kernel
/// lays it out; `/` is the live host. Names follow libvirt's (`pci_0000_01_00_0`, `usb_1_3`,
/// `scsi_0_0_0_0`, `net_IFACE_MAC`), and vendor and product names come from the tree's
/// `usr/share/misc/pci.ids` and `usb.ids`, as udev gives them to libvirt.
enum SysfsSource {
    static func load(root: String) throws(InventoryError) -> HostInventory {
        let tree = SysfsTree(root: root)
        // A root without sys/bus is not a sysfs tree (a mistyped --sysfs), not a host without
        // devices; a PCI device directory that is there but cannot be opened (a dangling link) is
        // unreadable, not empty. A missing sys/bus/pci is a host without a PCI bus.
        guard try isDirectory("sys", in: tree), try isDirectory("sys/bus", in: tree) else {
            throw InventoryError(.unreadable, "\(tree.absolute("sys/bus")) does not exist: not a sysfs root")
        }
        _ = try isDirectory("sys/bus/pci/devices", in: tree)
        var reader = try SysfsReader(tree: tree)
        try reader.readPCI()
        try reader.readUSB()
        try reader.readUSBInterfaces()
        try reader.readSCSI()
        try reader.readBlock()
        try reader.readNet()
        try reader.readDRM()
        var devices = reader.devices
        try SysfsMdevAndStorage.read(tree: tree, pciByPath: reader.pciByPath, into: &devices)
        let facts = try SysfsFacts.read(tree: tree, devices: devices)
        let system = HostDevice(name: "computer", capability: "system")
        try HostInventory.refuseContradictions(in: [system] + devices, origin: "sysfs \(root)")
        return HostInventory(devices: [system] + devices, domains: [], facts: facts, origin: "sysfs \(root)")
    }
}

/// Whether `relative` is a directory (links resolved within the root); `false` when nothing is
/// there, an error when something is there that is not a directory or does not lead to one.
private func isDirectory(_ relative: String, in tree: SysfsTree) throws(InventoryError) -> Bool {
    if let descriptor = try tree.openWithinRoot(relative, flags: O_RDONLY | O_DIRECTORY) {
        close(descriptor)
        return true
    }
    guard try tree.presence(relative) else { return false }
    throw InventoryError(.unreadable, "\(tree.absolute(relative)) is there but does not lead to a directory")
}

/// The device part of a sysfs read.
struct SysfsReader {
    let tree: SysfsTree
    var devices: [HostDevice] = []
    /// Real device directories (relative to the root) to device names, to find parents.
    var namesByPath: [String: String] = [:]
    /// Real PCI device directories to their index in ``devices``, to find mediated devices' parents.
    var pciByPath: [String: Int] = [:]
    let pciIDs: IDDatabase
    let usbIDs: IDDatabase

    init(tree: SysfsTree) throws(InventoryError) {
        self.tree = tree
        pciIDs = try IDDatabase(tree: tree, candidates: ["usr/share/misc/pci.ids", "usr/share/hwdata/pci.ids"])
        usbIDs = try IDDatabase(tree: tree, candidates: ["usr/share/misc/usb.ids", "usr/share/hwdata/usb.ids"])
    }

    /// libvirt's device names: the prefix and the kernel name with every other character as `_`.
    static func libvirtName(_ prefix: String, _ kernelName: String) -> String {
        prefix + "_"
            + String(
                kernelName.unicodeScalars.map {
                    $0.properties.isASCIIHexDigit || ($0.isASCII && $0.properties.isAlphabetic) ? Character($0) : "_"
                })
    }

    /// The nearest ancestor directory that is a known device, else `computer`, as libvirt walks up
    /// to the nearest device it lists.
    func parent(of path: String) -> String {
        // A real path has no empty component: its ancestors are its prefixes up to each `/`.
        let slash = UInt8(ascii: "/")
        var previous = slash
        let hasEmptyComponent =
            path.utf8.last == slash
            || path.utf8.contains { byte in
                defer { previous = byte }
                return byte == slash && previous == slash
            }
        if !hasEmptyComponent {
            var end = path.utf8.endIndex
            while let index = path.utf8[..<end].lastIndex(of: slash) {
                if let name = namesByPath[String(path[..<index])] { return name }
                end = index
            }
            return "computer"
        }
        var components = path.split(separator: "/").dropLast()
        while !components.isEmpty {
            if let name = namesByPath[components.joined(separator: "/")] { return name }
            components = components.dropLast()
        }
        return "computer"
    }

    mutating func readUSB() throws(InventoryError) {
        var entries: [(kernelName: String, path: String)] = []
        for name in try tree.list("sys/bus/usb/devices") where !name.contains(":") {
            entries.append((name, try tree.resolveDirectory("sys/bus/usb/devices/" + name)))
        }
        entries.sort { $0.path.count < $1.path.count }
        for entry in entries {
            let base = "sys/bus/usb/devices/" + entry.kernelName
            let device = try tree.openDirectory(base, real: entry.path)
            guard let bus = try device.text("busnum").flatMap({ Int($0) }),
                let number = try device.text("devnum").flatMap({ Int($0) })
            else {
                // A USB device can be assigned: one whose address cannot be read is an error, not skipped.
                throw InventoryError(.malformed, "\(tree.absolute(base)) has no readable busnum and devnum")
            }
            let vendor = try device.hexNumber("idVendor").flatMap { UInt16(exactly: $0) }
            let product = try device.hexNumber("idProduct").flatMap { UInt16(exactly: $0) }
            let manufacturer = try device.text("manufacturer")
            let productText = try device.text("product")
            let details = USBDetails(
                bus: bus, device: number, vendorID: vendor, vendorName: usbIDs.vendor(vendor) ?? manufacturer,
                productID: product, productName: usbIDs.product(vendor, product) ?? productText)
            let name = Self.libvirtName("usb", entry.kernelName)
            devices.append(
                HostDevice(
                    name: name, parent: parent(of: entry.path), capability: "usb_device",
                    driver: try device.linkName("driver"), usb: details))
            namesByPath[entry.path] = name
        }
    }

    /// SCSI hosts (`scsi_host0`), targets (`scsi_target0_0_0`) and devices (`scsi_0_0_0_0`), each
    /// under the nearest device above it.
    /// USB interfaces (`1-3:1.0` → `usb_1_3_1_0`, libvirt's `<capability type='usb'>`) under their device.
    mutating func readUSBInterfaces() throws(InventoryError) {
        for name in try tree.list("sys/bus/usb/devices") where name.contains(":") {
            let base = "sys/bus/usb/devices/" + name
            var fields: [Int] = []
            for field in ["bInterfaceNumber", "bInterfaceClass", "bInterfaceSubClass", "bInterfaceProtocol"] {
                guard let text = try tree.text(base + "/" + field), let value = Int(text, radix: 16) else {
                    throw InventoryError(.malformed, "\(tree.absolute(base))/\(field) is not a hexadecimal number")
                }
                fields.append(value)
            }
            let path = try tree.resolve(base)
            var device = HostDevice(
                name: Self.libvirtName("usb", name), parent: parent(of: path), capability: "usb",
                driver: try tree.linkName(base + "/driver"))
            device.usbInterface = USBInterfaceDetails(
                number: fields[0], interfaceClass: fields[1], subclass: fields[2], protocol: fields[3])
            add(device, at: path)
        }
    }

    mutating func readSCSI() throws(InventoryError) {
        for host in try tree.list("sys/class/scsi_host") {
            guard host.hasPrefix("host"), let number = Int(host.dropFirst(4)) else { continue }
            let path = try tree.resolve("sys/class/scsi_host/" + host)
            // The class entry points at .../hostN/scsi_host/hostN; the device is .../hostN.
            let device =
                path.hasSuffix("/scsi_host/" + host) ? String(path.dropLast(("/scsi_host/" + host).count)) : path
            var entry = HostDevice(name: "scsi_" + host, parent: parent(of: device), capability: "scsi_host")
            entry.scsiHostNumber = number
            add(entry, at: device)
        }
        let names = try tree.list("sys/bus/scsi/devices")
        for target in names where target.hasPrefix("target") {
            var entry = HostDevice(
                name: Self.libvirtName("scsi", target), capability: "scsi_target")
            let path = try tree.resolve("sys/bus/scsi/devices/" + target)
            entry.parent = parent(of: path)
            entry.scsiTargetName = target
            add(entry, at: path)
        }
        for kernelName in names {
            let numbers = kernelName.split(separator: ":").compactMap { Int($0) }
            guard numbers.count == 4 else { continue }
            let base = "sys/bus/scsi/devices/" + kernelName
            let path = try tree.resolve(base)
            let type = try tree.text(base + "/type").flatMap { Int($0) }.flatMap { Self.scsiTypes[$0] }
            add(
                HostDevice(
                    name: Self.libvirtName("scsi", kernelName), parent: parent(of: path), capability: "scsi",
                    driver: try tree.linkName(base + "/driver"),
                    scsi: SCSIDetails(
                        host: numbers[0], bus: numbers[1], target: numbers[2], unit: numbers[3], type: type)),
                at: path)
        }
    }

    /// The SCSI peripheral device types libvirt names.
    static let scsiTypes = [
        0: "disk", 1: "tape", 3: "processor", 4: "worm", 5: "cdrom", 6: "scanner", 7: "mod", 8: "changer",
        12: "raid", 13: "enclosure",
    ]

    /// Records a device found at a real path, so that the devices below it find it as their parent.
    mutating func add(_ device: HostDevice, at path: String) {
        devices.append(device)
        namesByPath[path] = device.name
    }

    /// Every network interface libvirt lists, virtual ones (`lo`, `ifb0`, bridges) included, named
    /// `net_IFACE_MAC` and placed under the nearest listed device above it (a virtio NIC's
    /// `…/0000:00:03.0/virtio2/net/eth0` under `pci_0000_00_03_0`; a virtual one under `computer`).
    mutating func readNet() throws(InventoryError) {
        for interface in try tree.list("sys/class/net") {
            let base = "sys/class/net/" + interface
            let path = try tree.resolve(base)
            let mac = try tree.text(base + "/address") ?? ""
            devices.append(
                HostDevice(
                    name: Self.libvirtName("net", mac.isEmpty ? interface : interface + "_" + mac),
                    parent: parent(of: path), capability: "net",
                    net: NetDetails(interface: interface, address: mac.isEmpty ? nil : mac)))
        }
    }

    /// DRM minors (`drm_card0`, `drm_renderD128`) under their GPU; connectors are not devices to libvirt.
    mutating func readDRM() throws(InventoryError) {
        for name in try tree.list("sys/class/drm") {
            let base = "sys/class/drm/" + name
            guard let numbers = try tree.text(base + "/dev")?.split(separator: ":"), numbers.count == 2,
                let minor = Int(numbers[1])
            else { continue }
            guard let type = [0: "primary", 1: "control", 2: "render"][minor >> 6] else { continue }
            var device = HostDevice(
                name: Self.libvirtName("drm", name), parent: parent(of: try tree.resolve(base)), capability: "drm")
            device.drmType = type
            devices.append(device)
        }
    }
}
