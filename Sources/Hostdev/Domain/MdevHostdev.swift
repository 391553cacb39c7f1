import LibXML

/// A `<hostdev mode='subsystem' type='mdev'>` of a domain: the mediated device it takes, by UUID.
public struct MdevHostdev {
    /// The element.
    public let node: XMLNode
    /// `<source><address uuid=…>`, lowercase; `nil` when missing.
    public let uuid: String?

    /// Every mdev hostdev of a domain.
    public static func all(in domain: XMLNode) -> [MdevHostdev] {
        guard let devices = domain.firstElement(named: "devices") else { return [] }
        return devices.elements(named: "hostdev").filter { $0.attribute("type") == "mdev" }.map { node in
            let uuid = node.firstElement(named: "source")?.firstElement(named: "address")?.attribute("uuid")
            return MdevHostdev(node: node, uuid: uuid?.lowercased())
        }
    }

    /// The UUIDs of the mediated devices a host domain's XML names, or `nil` when its XML cannot be
    /// read (which callers treat as unknown, never as none).
    public static func uuids(of domain: HostDomain) -> [String]? {
        do throws(XMLError) {
            return all(in: try XMLDocument(parsing: domain.xml, source: domain.name).root).compactMap(\.uuid)
        } catch {
            return nil
        }
    }
}
