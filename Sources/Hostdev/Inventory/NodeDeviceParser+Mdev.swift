import LibXML

extension NodeDeviceParser {
    /// A parent's `<capability type='mdev_types'>`: each `<type id=…>` with its name, device API
    /// and available instances.
    static func parseMdevTypes(_ capability: XMLNode, fail: (String, XMLNode) -> InventoryError)
        throws(InventoryError) -> [MdevType]
    {
        var types: [MdevType] = []
        for nested in capability.elements(named: "capability") where nested.attribute("type") == "mdev_types" {
            for type in nested.elements(named: "type") {
                guard let id = type.attribute("id"), !id.isEmpty else { throw fail("mdev <type> has no id", type) }
                guard let available = type.integer("availableInstances") else {
                    throw fail("mdev type \(id) has no valid <availableInstances>", type)
                }
                types.append(
                    MdevType(
                        id: id, name: type.firstElement(named: "name")?.nonEmptyText,
                        deviceAPI: type.firstElement(named: "deviceAPI")?.nonEmptyText, availableInstances: available))
            }
        }
        return types
    }

    /// An instance's `<capability type='mdev'>`: its type, UUID (from `<uuid>`, or from the name
    /// `mdev_UUID` as older libvirt gives it) and IOMMU group.
    static func parseMdev(_ capability: XMLNode, name: String, fail: (String, XMLNode) -> InventoryError)
        throws(InventoryError) -> MdevDetails
    {
        let fromName = String(name.dropFirst("mdev_".count).prefix(36)).replacingOccurrences("_", "-")
        let uuid = capability.text("uuid") ?? fromName
        guard UUIDText.isValid(uuid), uuid.count == 36 else {
            throw fail("mediated device \(name) has no valid UUID", capability)
        }
        let group = capability.firstElement(named: "iommuGroup")?.attribute("number").flatMap { Int($0) }
        return MdevDetails(
            uuid: uuid.lowercased(), type: capability.firstElement(named: "type")?.attribute("id"), iommuGroup: group)
    }
}
