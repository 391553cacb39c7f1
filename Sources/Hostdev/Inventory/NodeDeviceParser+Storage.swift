import LibXML

extension NodeDeviceParser {
    /// A `<capability type='storage'>`: the block node, model, vendor, drive type, serial, bus,
    /// sizes and removable medium.
    static func parseStorage(_ capability: XMLNode) -> StorageDetails {
        func number(_ node: XMLNode?, _ name: String) -> UInt64? {
            node?.firstElement(named: name)?.nonEmptyText.flatMap { UInt64($0) }
        }
        let removable = capability.elements(named: "capability").first { $0.attribute("type") == "removable" }
        return StorageDetails(
            block: capability.firstElement(named: "block")?.nonEmptyText,
            model: capability.firstElement(named: "model")?.nonEmptyText,
            vendor: capability.firstElement(named: "vendor")?.nonEmptyText,
            driveType: capability.text("drive_type").flatMap { $0.isEmpty ? nil : $0 },
            serial: capability.text("serial").flatMap { $0.isEmpty ? nil : $0 },
            bus: capability.text("bus").flatMap { $0.isEmpty ? nil : $0 }, size: number(capability, "size"),
            logicalBlockSize: number(capability, "logical_block_size"), numBlocks: number(capability, "num_blocks"),
            removable: removable.map {
                StorageDetails.RemovableMedia(
                    available: $0.text("media_available") == "1", size: number($0, "media_size") ?? 0)
            })
    }
}
