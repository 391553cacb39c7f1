import LibXML

extension NodeDeviceParser {
    /// A `<capability type='storage'>`: the block node, model and vendor.
    static func parseStorage(_ capability: XMLNode) -> StorageDetails {
        StorageDetails(
            block: capability.firstElement(named: "block")?.nonEmptyText,
            model: capability.firstElement(named: "model")?.nonEmptyText,
            vendor: capability.firstElement(named: "vendor")?.nonEmptyText)
    }
}
