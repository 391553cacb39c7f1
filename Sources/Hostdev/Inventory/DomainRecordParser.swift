import LibXML

/// Reads a domain's XML into a ``HostDomain``: name, UUID and the host devices it names.
enum DomainRecordParser {
    static func record(from domain: XMLNode, isActive: Bool, xml: String) -> HostDomain {
        HostDomain(
            name: domain.text("name") ?? "",
            uuid: domain.text("uuid"),
            isActive: isActive,
            hostdevSources: HostdevElement.all(in: domain).compactMap(\.source),
            xml: xml)
    }
}
