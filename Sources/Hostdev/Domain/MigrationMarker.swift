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

    /// One `<hostdev:placeholder>` of the marker, read: the PCI device it names, or why it names none.
    public struct Placeholder {
        /// The element.
        public let node: XMLNode
        /// The PCI device it names; `nil` when ``problem`` says why it names none.
        public let address: PCIAddress?
        /// Why it names no PCI device (no `device` attribute, a name libvirt would never produce, a
        /// device that is not PCI).
        public let problem: String?
    }

    /// Every placeholder the marker names, read once for every check: the IOMMU group rule, the
    /// transform and the hook count the readable ones, and the placeholder rule refuses the others (a
    /// placeholder that cannot be read is never silently left out).
    public static func placeholders(in domain: XMLNode) -> [Placeholder] {
        guard let marker = find(in: domain) else { return [] }
        return marker.elements(named: placeholderName).map { element in
            func unreadable(_ problem: String) -> Placeholder {
                Placeholder(node: element, address: nil, problem: problem)
            }
            guard let device = element.attribute("device") else {
                return unreadable("a placeholder has no device attribute")
            }
            do throws(AddressError) {
                guard let address = try DeviceName(device).pciAddress else {
                    return unreadable("placeholder '\(device)' names no PCI device (pci_DDDD_BB_SS_F)")
                }
                return Placeholder(node: element, address: address, problem: nil)
            } catch {
                return unreadable("placeholder '\(device)': \(error)")
            }
        }
    }

    /// The PCI addresses of the readable placeholders (``placeholders(in:)`` has the others).
    public static func placeholderAddresses(in domain: XMLNode) -> [PCIAddress] {
        placeholders(in: domain).compactMap(\.address)
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
