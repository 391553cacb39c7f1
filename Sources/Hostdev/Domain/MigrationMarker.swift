import LibXML

/// The non-migratable marker: libvirt has no XML flag for it, so it lives in `<metadata>` under
/// the project's namespace (documented in `Schemas/passthrough.rng`):
///
/// ```xml
/// <metadata>
///   <hostdev:passthrough xmlns:hostdev="https://hostdev.dev/xmlns/passthrough/1.0" migratable="no"/>
/// </metadata>
/// ```
public enum MigrationMarker {
    /// The marker's namespace URI.
    public static let namespace = "https://hostdev.dev/xmlns/passthrough/1.0"
    /// The prefix the marker is written with.
    public static let prefix = "hostdev"
    /// The marker element's local name.
    public static let elementName = "passthrough"
    /// The local name of a marker child naming a placeholder device (detached for its IOMMU group's
    /// sake, not given to the guest): `<hostdev:placeholder device='pci_0000_01_00_1'/>`.
    public static let placeholderName = "placeholder"

    /// The placeholder devices the marker names.
    public static func placeholders(in domain: XMLNode) -> [DeviceName] {
        guard let marker = find(in: domain) else { return [] }
        return marker.elements(named: placeholderName).compactMap { element in
            element.attribute("device").flatMap { try? DeviceName($0) }
        }
    }

    /// The marker element of a domain, if present.
    public static func find(in domain: XMLNode) -> XMLNode? {
        domain.firstElement(named: "metadata")?.elements.first {
            $0.name == elementName && $0.namespaceURI == namespace
        }
    }

    /// Whether the domain carries the marker with `migratable='no'`.
    public static func isMarkedNonMigratable(_ domain: XMLNode) -> Bool {
        find(in: domain)?.attribute("migratable") == "no"
    }
}
