import LibXML

/// Writes `<hostdev>` elements as VDSM and libvirt expect them, indented like the domain around them.
enum HostdevEmitter {
    /// Appends one `<hostdev>` for a planned device to `<devices>`, and returns it.
    @discardableResult
    static func append(_ planned: PlannedDevice, to devices: XMLNode) -> XMLNode {
        let hostdev: XMLNode
        switch planned.source {
        case .pci(let address):
            hostdev = devices.appendIndentedElement(
                "hostdev", attributes: [("mode", "subsystem"), ("type", "pci"), ("managed", "no")])
            hostdev.appendIndentedElement("driver", attributes: [("name", "vfio")])
            let source = hostdev.appendIndentedElement("source")
            source.appendIndentedElement("address", attributes: address.xmlAttributes)
        case .usb(let bus, let device):
            hostdev = devices.appendIndentedElement(
                "hostdev", attributes: [("mode", "subsystem"), ("type", "usb"), ("managed", "no")])
            let source = hostdev.appendIndentedElement("source")
            source.appendIndentedElement("address", attributes: [("bus", String(bus)), ("device", String(device))])
        case .scsi(let adapter, let bus, let target, let unit):
            hostdev = devices.appendIndentedElement(
                "hostdev",
                attributes: [("mode", "subsystem"), ("type", "scsi"), ("managed", "no"), ("rawio", "yes")])
            let source = hostdev.appendIndentedElement("source")
            source.appendIndentedElement("adapter", attributes: [("name", adapter)])
            source.appendIndentedElement(
                "address", attributes: [("bus", String(bus)), ("target", String(target)), ("unit", String(unit))])
        }
        if let order = planned.request.bootOrder {
            hostdev.appendIndentedElement("boot", attributes: [("order", String(order))])
        }
        if let guest = planned.request.guestAddress {
            hostdev.appendIndentedElement("address", attributes: [("type", "pci")] + guest.xmlAttributes)
        }
        if let alias = planned.request.alias {
            hostdev.appendIndentedElement("alias", attributes: [("name", alias)])
        }
        return hostdev
    }

    /// Makes sure the domain carries the non-migratable marker (and its placeholders); returns
    /// whether anything changed.
    static func mark(_ domain: XMLNode, placeholders: [DeviceName]) -> Bool {
        var changed = false
        let marker: XMLNode
        if let existing = MigrationMarker.find(in: domain) {
            marker = existing
            if existing.attribute("migratable") != "no" {
                existing.setAttribute("migratable", "no")
                changed = true
            }
        } else {
            let metadata = domain.firstElement(named: "metadata") ?? insertMetadata(into: domain)
            marker = metadata.appendIndentedElement(
                MigrationMarker.elementName, attributes: [("migratable", "no")],
                namespace: (MigrationMarker.namespace, MigrationMarker.prefix))
            changed = true
        }
        let present = Set(
            marker.elements(named: MigrationMarker.placeholderName).compactMap { $0.attribute("device") })
        for name in placeholders where !present.contains(name.description) {
            let child = marker.appendIndentedElement(
                MigrationMarker.placeholderName, attributes: [("device", name.description)])
            child.setNamespace(of: marker)
            changed = true
        }
        return changed
    }

    /// Adds `<metadata>` where libvirt itself writes it: after name, uuid, genid, title and description.
    private static func insertMetadata(into domain: XMLNode) -> XMLNode {
        let leading = ["name", "uuid", "genid", "title", "description"]
        if let anchor = domain.elements.prefix(while: { leading.contains($0.name) }).last {
            return domain.insertIndentedElement("metadata", after: anchor)
        }
        return domain.appendIndentedElement("metadata")
    }
}
