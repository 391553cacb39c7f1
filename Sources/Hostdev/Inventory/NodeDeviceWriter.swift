import LibXML

/// Writes a ``HostDevice`` as libvirt node-device XML (`<device>`), the inverse of
/// `NodeDeviceParser`: parsing what this writes gives the same device back.
enum NodeDeviceWriter {
    static func append(_ device: HostDevice, to node: XMLNode) {
        let element = node.appendIndentedElement("device")
        element.appendIndentedElement("name", text: device.name)
        if let parent = device.parent { element.appendIndentedElement("parent", text: parent) }
        if let driver = device.driver {
            element.appendIndentedElement("driver").appendIndentedElement("name", text: driver)
        }
        let capability = element.appendIndentedElement("capability", attributes: [("type", device.capability)])
        if let pci = device.pci {
            if let classCode = pci.classCode {
                capability.appendIndentedElement("class", text: "0x" + hex(classCode, width: 6))
            }
            capability.appendIndentedElement("domain", text: String(pci.address.domain))
            capability.appendIndentedElement("bus", text: String(pci.address.bus))
            capability.appendIndentedElement("slot", text: String(pci.address.slot))
            capability.appendIndentedElement("function", text: String(pci.address.function))
            appendID("product", pci.productID, pci.productName, to: capability)
            appendID("vendor", pci.vendorID, pci.vendorName, to: capability)
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
            if let bridge = pci.bridgeCapability {
                capability.appendIndentedElement("capability", attributes: [("type", bridge)])
            }
            if let group = pci.iommuGroup {
                let groupElement = capability.appendIndentedElement(
                    "iommuGroup", attributes: [("number", String(group))])
                for member in pci.iommuGroupMembers {
                    groupElement.appendIndentedElement("address", attributes: member.xmlAttributes)
                }
            }
            if let numa = pci.numaNode {
                capability.appendIndentedElement("numa", attributes: [("node", String(numa))])
            }
        } else if let usb = device.usb {
            capability.appendIndentedElement("bus", text: String(usb.bus))
            capability.appendIndentedElement("device", text: String(usb.device))
            appendID("product", usb.productID, usb.productName, to: capability)
            appendID("vendor", usb.vendorID, usb.vendorName, to: capability)
        } else if let scsi = device.scsi {
            capability.appendIndentedElement("host", text: String(scsi.host))
            capability.appendIndentedElement("bus", text: String(scsi.bus))
            capability.appendIndentedElement("target", text: String(scsi.target))
            capability.appendIndentedElement("lun", text: String(scsi.unit))
            if let type = scsi.type { capability.appendIndentedElement("type", text: type) }
        } else if let net = device.net {
            capability.appendIndentedElement("interface", text: net.interface)
            if let address = net.address { capability.appendIndentedElement("address", text: address) }
        } else if device.capability == "scsi_host", let number = Int(device.name.dropFirst("scsi_host".count)) {
            capability.appendIndentedElement("host", text: String(number))
        }
        appendExtras(device, to: capability)
    }

    private static func appendID(_ name: String, _ id: UInt16?, _ text: String?, to capability: XMLNode) {
        guard let id else { return }
        capability.appendIndentedElement(name, attributes: [("id", "0x" + hex(UInt32(id), width: 4))], text: text ?? "")
    }
}
