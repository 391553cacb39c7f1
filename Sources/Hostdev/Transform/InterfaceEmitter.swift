import LibXML

/// Writes an SR-IOV virtual function as VDSM writes it: `<interface type='hostdev' managed='no'>` with
/// the MAC address, the VF as source, the VLAN, the vfio driver, boot order, alias and guest address.
enum InterfaceEmitter {
    /// Appends the interface for a VF at `address` to `<devices>`; returns it.
    @discardableResult
    static func append(_ request: HostdevInterfaceRequest, source address: PCIAddress, to devices: XMLNode) -> XMLNode {
        let interface = devices.appendIndentedElement(
            "interface", attributes: [("type", "hostdev"), ("managed", "no")])
        interface.appendIndentedElement("mac", attributes: [("address", request.macAddress.lowercased())])
        interface.appendIndentedElement("source").appendIndentedElement(
            "address", attributes: [("type", "pci")] + address.xmlAttributes)
        if let vlan = request.vlan {
            interface.appendIndentedElement("vlan").appendIndentedElement("tag", attributes: [("id", String(vlan))])
        }
        interface.appendIndentedElement("driver", attributes: [("name", "vfio")])
        if let order = request.device.bootOrder {
            interface.appendIndentedElement("boot", attributes: [("order", String(order))])
        }
        if let alias = request.device.alias {
            interface.appendIndentedElement("alias", attributes: [("name", alias)])
        }
        if let guest = request.device.guestAddress {
            interface.appendIndentedElement("address", attributes: [("type", "pci")] + guest.xmlAttributes)
        }
        return interface
    }
}
