import LibXML

extension NodeDeviceWriter {
    /// What `NodeDeviceParser` reads beyond PCI, USB, SCSI and net: a parent's mdev types, an mdev
    /// instance, a storage device, a `scsi_generic` node.
    static func appendExtras(_ device: HostDevice, to capability: XMLNode) {
        if !device.mdevTypes.isEmpty {
            let types = capability.appendIndentedElement("capability", attributes: [("type", "mdev_types")])
            for type in device.mdevTypes {
                let element = types.appendIndentedElement("type", attributes: [("id", type.id)])
                if let name = type.name { element.appendIndentedElement("name", text: name) }
                if let api = type.deviceAPI { element.appendIndentedElement("deviceAPI", text: api) }
                element.appendIndentedElement("availableInstances", text: String(type.availableInstances))
            }
        }
        if let mdev = device.mdev {
            if let type = mdev.type { capability.appendIndentedElement("type", attributes: [("id", type)]) }
            capability.appendIndentedElement("uuid", text: mdev.uuid)
            if let group = mdev.iommuGroup {
                capability.appendIndentedElement("iommuGroup", attributes: [("number", String(group))])
            }
        }
        if let storage = device.storage {
            if let block = storage.block { capability.appendIndentedElement("block", text: block) }
            if let model = storage.model { capability.appendIndentedElement("model", text: model) }
            if let vendor = storage.vendor { capability.appendIndentedElement("vendor", text: vendor) }
        }
        if let char = device.genericCharDevice { capability.appendIndentedElement("char", text: char) }
    }
}
