import LibXML

/// Writes a mediated device as libvirt takes it: `<hostdev mode='subsystem' type='mdev'
/// model='vfio-pci'><source><address uuid=…/></source></hostdev>`.
enum MdevEmitter {
    /// Appends the hostdev for instance `uuid` to `<devices>`; returns it.
    @discardableResult
    static func append(uuid: String, to devices: XMLNode) -> XMLNode {
        let hostdev = devices.appendIndentedElement(
            "hostdev", attributes: [("mode", "subsystem"), ("type", "mdev"), ("model", "vfio-pci")])
        hostdev.appendIndentedElement("source").appendIndentedElement("address", attributes: [("uuid", uuid)])
        return hostdev
    }
}
