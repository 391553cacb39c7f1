import LibXML

/// Reads libvirt node-device XML (`<device>`) into ``HostDevice``.
///
/// Shared by the libvirt source (XML from `virNodeDeviceGetXMLDesc`) and the snapshot source
/// (a test-driver `<node>` file, where `<driver>` survives).
enum NodeDeviceParser {
    /// Parses one `<device>` element.
    static func parse(_ device: XMLNode, file: String?) throws(InventoryError) -> HostDevice {
        func fail(_ reason: String, _ node: XMLNode) -> InventoryError {
            InventoryError(.malformed, reason, file: file, line: node.line, column: node.column)
        }
        guard let nameNode = device.firstElement(named: "name") else { throw fail("<device> has no <name>", device) }
        let name = nameNode.textContent.trimmed
        do throws(AddressError) {
            _ = try DeviceName(name)
        } catch {
            throw fail(error.description, nameNode)
        }
        let parent = device.firstElement(named: "parent")?.textContent.trimmed
        let driver = device.firstElement(named: "driver")?.firstElement(named: "name")?.textContent.trimmed
        guard let capability = device.firstElement(named: "capability"), let type = capability.attribute("type")
        else { throw fail("device \(name) has no <capability type=…>", device) }
        var result = HostDevice(name: name, parent: parent, capability: type, driver: driver)
        switch type {
        case "pci":
            result.pci = try parsePCI(capability, fail: fail)
            result.mdevTypes = try parseMdevTypes(capability, fail: fail)
        case "mdev": result.mdev = try parseMdev(capability, name: name, fail: fail)
        case "storage": result.storage = parseStorage(capability)
        case "scsi_generic": result.genericCharDevice = capability.text("char")
        case "scsi_host": result.scsiHostNumber = capability.integer("host")
        case "scsi_target": result.scsiTargetName = capability.text("target")
        case "drm": result.drmType = capability.text("type")
        case "usb":
            guard let number = capability.integer("number"), let klass = capability.integer("class"),
                let subclass = capability.integer("subclass"), let proto = capability.integer("protocol")
            else { throw fail("USB interface \(name) has no <number>, <class>, <subclass> and <protocol>", capability) }
            result.usbInterface = USBInterfaceDetails(
                number: number, interfaceClass: klass, subclass: subclass, protocol: proto)
        case "usb_device":
            guard let bus = capability.integer("bus"), let number = capability.integer("device") else {
                throw fail("USB device \(name) has no <bus> and <device>", capability)
            }
            let vendor = capability.firstElement(named: "vendor")
            let product = capability.firstElement(named: "product")
            result.usb = USBDetails(
                bus: bus, device: number, vendorID: vendor?.hexID, vendorName: vendor?.nonEmptyText,
                productID: product?.hexID, productName: product?.nonEmptyText)
        case "scsi":
            guard let host = capability.integer("host"), let bus = capability.integer("bus"),
                let target = capability.integer("target"), let unit = capability.integer("lun")
            else { throw fail("SCSI device \(name) has no <host>, <bus>, <target> and <lun>", capability) }
            result.scsi = SCSIDetails(
                host: host, bus: bus, target: target, unit: unit,
                type: capability.firstElement(named: "type")?.nonEmptyText)
        case "ccw", "css":
            try checkChannelAddress(capability, fail: fail)
            for nested in capability.elements(named: "channel_dev_addr") { try checkChannelAddress(nested, fail: fail) }
        case "net":
            if let interface = capability.text("interface") {
                result.net = NetDetails(interface: interface, address: capability.text("address"))
            }
        default:
            break
        }
        return result
    }

    private static func parsePCI(_ capability: XMLNode, fail: (String, XMLNode) -> InventoryError)
        throws(InventoryError) -> PCIDetails
    {
        let address: PCIAddress
        do throws(AddressError) {
            address = try PCIAddress(
                domain: capability.text("domain"), bus: capability.text("bus"), slot: capability.text("slot"),
                function: capability.text("function"))
        } catch {
            throw fail(error.description, capability)
        }
        let vendor = capability.firstElement(named: "vendor")
        let product = capability.firstElement(named: "product")
        var details = PCIDetails(
            address: address, vendorID: vendor?.hexID, vendorName: vendor?.nonEmptyText, productID: product?.hexID,
            productName: product?.nonEmptyText,
            classCode: capability.text("class").flatMap(PCIAddress.parseNumber))
        if let group = capability.firstElement(named: "iommuGroup") {
            guard let number = group.attribute("number").flatMap(PCIAddress.parseNumber) else {
                throw fail("<iommuGroup> has no valid number", group)
            }
            details.iommuGroup = Int(number)
            details.iommuGroupMembers = try group.elements(named: "address").map { node throws(InventoryError) in
                try pciAddress(node, fail: fail)
            }
        }
        if let numa = capability.firstElement(named: "numa")?.attribute("node"), let node = Int(numa), node >= 0 {
            details.numaNode = node
        }
        for nested in capability.elements(named: "capability") {
            switch nested.attribute("type") {
            case "phys_function":
                if let node = nested.firstElement(named: "address") {
                    details.physicalFunction = try pciAddress(node, fail: fail)
                }
            case "pci-bridge", "cardbus-bridge":
                details.bridgeCapability = nested.attribute("type")
            case "virt_functions":
                details.virtualFunctions = try nested.elements(named: "address").map { node throws(InventoryError) in
                    try pciAddress(node, fail: fail)
                }
                details.totalVFs = nested.attribute("maxCount").flatMap { Int($0) }
            default:
                continue
            }
        }
        return details
    }

    /// s390 channel addresses: css id up to 0xfe, subchannel set up to 3, device number up to 0xffff.
    private static func checkChannelAddress(_ node: XMLNode, fail: (String, XMLNode) -> InventoryError)
        throws(InventoryError)
    {
        for (name, maximum) in [("cssid", 0xfe), ("ssid", 3), ("devno", 0xffff)] {
            guard let text = node.text(name) else { continue }
            guard let value = PCIAddress.parseNumber(text), value <= maximum else {
                throw fail("channel \(name) '\(text)' is out of range (at most 0x\(String(maximum, radix: 16)))", node)
            }
        }
    }

    private static func pciAddress(_ node: XMLNode, fail: (String, XMLNode) -> InventoryError)
        throws(InventoryError) -> PCIAddress
    {
        do throws(AddressError) {
            return try PCIAddress(
                domain: node.attribute("domain"), bus: node.attribute("bus"), slot: node.attribute("slot"),
                function: node.attribute("function"))
        } catch {
            throw fail(error.description, node)
        }
    }
}

extension XMLNode {
    /// The trimmed text of a child element.
    func text(_ child: String) -> String? { firstElement(named: child)?.textContent.trimmed }

    /// A child element's text as a number in any base libvirt accepts.
    func integer(_ child: String) -> Int? { text(child).flatMap(PCIAddress.parseNumber).map(Int.init) }

    /// An `id='0x10de'` attribute as a 16-bit id.
    var hexID: UInt16? { attribute("id").flatMap(PCIAddress.parseNumber).flatMap { UInt16(exactly: $0) } }

    /// Trimmed text, or `nil` when empty.
    var nonEmptyText: String? {
        let text = textContent.trimmed
        return text.isEmpty ? nil : text
    }
}

extension String {
    /// The string without leading and trailing whitespace.
    var trimmed: String {
        // Printable ASCII at both ends (the usual case) leaves nothing to trim.
        if let first = utf8.first, let last = utf8.last, (0x21...0x7e).contains(first), (0x21...0x7e).contains(last) {
            return self
        }
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
