import LibXML

/// Writes a ``HostDevice`` as libvirt node-device XML (`<device>`), the inverse of
/// `NodeDeviceParser`: parsing what this writes gives the same device back, and libvirt's test
/// driver opens it. A device it cannot write as libvirt would read it is an error, never a device
/// written half.
struct NodeDeviceWriter {
    /// What was changed to make the text XML can hold, one line each.
    private(set) var notes: [String] = []

    mutating func append(_ device: HostDevice, to node: XMLNode) throws(InventoryError) {
        let element = node.appendIndentedElement("device")
        add("name", device.name, to: element, of: device)
        if let parent = device.parent { add("parent", parent, to: element, of: device) }
        if let driver = device.driver {
            add("name", driver, to: element.appendIndentedElement("driver"), of: device)
        }
        let capability = element.appendIndentedElement("capability", attributes: [("type", device.capability)])
        switch device.capability {
        case "pci":
            guard let pci = device.pci else { throw unwritable(device, "it has no PCI address") }
            try appendPCI(pci, mdevTypes: device.mdevTypes, to: capability, of: device)
        case "usb_device":
            guard let usb = device.usb else { throw unwritable(device, "it has no USB bus and device number") }
            add([("bus", usb.bus), ("device", usb.device)], to: capability, of: device)
            appendID("product", usb.productID, usb.productName, to: capability, of: device)
            appendID("vendor", usb.vendorID, usb.vendorName, to: capability, of: device)
        case "usb":
            guard let interface = device.usbInterface else { throw unwritable(device, "its interface is unknown") }
            add(
                [
                    ("number", interface.number), ("class", interface.interfaceClass),
                    ("subclass", interface.subclass), ("protocol", interface.protocol),
                ], to: capability, of: device)
        case "scsi":
            guard let scsi = device.scsi else { throw unwritable(device, "it has no SCSI address") }
            add(
                [("host", scsi.host), ("bus", scsi.bus), ("target", scsi.target), ("lun", scsi.unit)],
                to: capability, of: device)
            if let type = scsi.type { add("type", type, to: capability, of: device) }
        case "scsi_host":
            guard let number = device.scsiHostNumber else { throw unwritable(device, "its host number is unknown") }
            add("host", String(number), to: capability, of: device)
        case "scsi_target":
            guard let target = device.scsiTargetName else { throw unwritable(device, "its target name is unknown") }
            add("target", target, to: capability, of: device)
        case "scsi_generic":
            guard let node = device.genericCharDevice else { throw unwritable(device, "its /dev/sgN is unknown") }
            add("char", node, to: capability, of: device)
        case "storage":
            guard let storage = device.storage, storage.block != nil else {
                throw unwritable(device, "its block device path is unknown")
            }
            try appendStorage(storage, to: capability, of: device)
        case "net":
            guard let net = device.net else { throw unwritable(device, "its interface name is unknown") }
            add("interface", net.interface, to: capability, of: device)
            if let address = net.address { add("address", address, to: capability, of: device) }
        case "drm":
            guard let type = device.drmType else { throw unwritable(device, "its DRM type is unknown") }
            add("type", type, to: capability, of: device)
        case "mdev":
            guard let mdev = device.mdev, let type = mdev.type else {
                throw unwritable(device, "its mediated-device type is unknown")
            }
            capability.appendIndentedElement("type", attributes: [("id", clean(type, device))])
            if let group = mdev.iommuGroup {
                capability.appendIndentedElement("iommuGroup", attributes: [("number", String(group))])
            }
            add("uuid", mdev.uuid, to: capability, of: device)
        default:
            throw unwritable(device, "hostdev does not know what libvirt needs in a '\(device.capability)' capability")
        }
    }

    private mutating func appendPCI(
        _ pci: PCIDetails, mdevTypes: [MdevType], to capability: XMLNode, of device: HostDevice
    ) throws(InventoryError) {
        if let classCode = pci.classCode { add("class", "0x" + hex(classCode, width: 6), to: capability, of: device) }
        let address = pci.address
        add(
            [
                ("domain", Int(address.domain)), ("bus", Int(address.bus)), ("slot", Int(address.slot)),
                ("function", Int(address.function)),
            ], to: capability, of: device)
        appendID("product", pci.productID, pci.productName, to: capability, of: device)
        appendID("vendor", pci.vendorID, pci.vendorName, to: capability, of: device)
        if let physfn = pci.physicalFunction {
            capability.appendIndentedElement("capability", attributes: [("type", "phys_function")])
                .appendIndentedElement("address", attributes: physfn.xmlAttributes)
        }
        if !pci.virtualFunctions.isEmpty || pci.totalVFs != nil {
            let functions = capability.appendIndentedElement(
                "capability",
                attributes: [("type", "virt_functions")] + (pci.totalVFs.map { [("maxCount", String($0))] } ?? []))
            for vf in pci.virtualFunctions {
                functions.appendIndentedElement("address", attributes: vf.xmlAttributes)
            }
        }
        if !mdevTypes.isEmpty {
            let types = capability.appendIndentedElement("capability", attributes: [("type", "mdev_types")])
            for type in mdevTypes {
                guard let api = type.deviceAPI else {
                    throw unwritable(device, "its mediated-device type \(type.id) has no device API")
                }
                let element = types.appendIndentedElement("type", attributes: [("id", clean(type.id, device))])
                if let name = type.name { add("name", name, to: element, of: device) }
                add("deviceAPI", api, to: element, of: device)
                add("availableInstances", String(type.availableInstances), to: element, of: device)
            }
        }
        if let bridge = pci.bridgeCapability {
            capability.appendIndentedElement("capability", attributes: [("type", bridge)])
        }
        if let group = pci.iommuGroup {
            let groupElement = capability.appendIndentedElement("iommuGroup", attributes: [("number", String(group))])
            for member in pci.iommuGroupMembers {
                groupElement.appendIndentedElement("address", attributes: member.xmlAttributes)
            }
        }
        if let numa = pci.numaNode {
            capability.appendIndentedElement("numa", attributes: [("node", String(numa))])
        }
    }

    private mutating func appendStorage(_ storage: StorageDetails, to capability: XMLNode, of device: HostDevice)
        throws(InventoryError)
    {
        let fields: [(String, String?)] = [
            ("block", storage.block), ("bus", storage.bus), ("drive_type", storage.driveType),
            ("model", storage.model), ("vendor", storage.vendor), ("serial", storage.serial),
        ]
        for (name, value) in fields { if let value { add(name, value, to: capability, of: device) } }
        if let removable = storage.removable {
            let element = capability.appendIndentedElement("capability", attributes: [("type", "removable")])
            add("media_available", removable.available ? "1" : "0", to: element, of: device)
            add("media_size", String(removable.size), to: element, of: device)
            return
        }
        // libvirt's parser needs the size of a fixed drive.
        guard let size = storage.size else { throw unwritable(device, "the size of its fixed drive is unknown") }
        add("size", String(size), to: capability, of: device)
        if let blockSize = storage.logicalBlockSize {
            add("logical_block_size", String(blockSize), to: capability, of: device)
        }
        if let blocks = storage.numBlocks { add("num_blocks", String(blocks), to: capability, of: device) }
    }

    private mutating func appendID(
        _ name: String, _ id: UInt16?, _ text: String?, to capability: XMLNode, of device: HostDevice
    ) {
        guard let id else { return }
        capability.appendIndentedElement(
            name, attributes: [("id", "0x" + hex(UInt32(id), width: 4))], text: clean(text ?? "", device))
    }

    private mutating func add(_ numbers: [(String, Int)], to node: XMLNode, of device: HostDevice) {
        for (name, value) in numbers { add(name, String(value), to: node, of: device) }
    }

    private mutating func add(_ name: String, _ text: String, to node: XMLNode, of device: HostDevice) {
        node.appendIndentedElement(name, text: clean(text, device))
    }

    /// The text with every character XML 1.0 cannot hold (C0 controls but tab, newline and
    /// carriage return; U+FFFE, U+FFFF) replaced by U+FFFD, noting the device it came from.
    private mutating func clean(_ text: String, _ device: HostDevice) -> String {
        guard text.unicodeScalars.contains(where: { !Self.isXMLCharacter($0) }) else { return text }
        let replaced = String(
            String.UnicodeScalarView(text.unicodeScalars.map { Self.isXMLCharacter($0) ? $0 : "\u{FFFD}" }))
        notes.append(
            "\(DeviceName.printable(device.name)): '\(DeviceName.printable(text))' holds characters XML cannot hold; "
                + "written as '\(replaced)'")
        return replaced
    }

    static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    private func unwritable(_ device: HostDevice, _ reason: String) -> InventoryError {
        InventoryError(
            .unsupported, "cannot write \(DeviceName.printable(device.name)) as libvirt would read it: \(reason)")
    }
}
