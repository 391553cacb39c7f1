import FoundationEssentials

/// Whether the host can do passthrough: VDSM's `hostPassthrough` (the kernel command line enables an
/// IOMMU, as the feature page says) and the stronger evidence behind it.
public struct HostCapabilities: Sendable, Encodable {
    /// The IOMMU is enabled on the kernel command line; `nil` when the source cannot see it.
    public var hostPassthrough: Bool?
    /// The IOMMU options found on the kernel command line.
    public var kernelIOMMUOptions: [String]?
    /// How many IOMMU groups the host has.
    public var iommuGroups: Int
    /// The IOMMUs registered under `/sys/class/iommu`.
    public var registeredIOMMUs: [String]?
    /// `/dev/vfio/vfio` is present.
    public var vfioContainer: Bool?
    /// The vfio-pci driver is registered.
    public var vfioPCIDriver: Bool?
    /// Where the facts came from.
    public var source: String

    /// Reads the capabilities off an inventory.
    public init(inventory: HostInventory) {
        let facts = inventory.facts
        kernelIOMMUOptions = facts.enabledIOMMUOptions
        hostPassthrough = kernelIOMMUOptions.map { !$0.isEmpty } ?? facts.libvirtIOMMUSupport
        iommuGroups = inventory.groupNumbers.count
        registeredIOMMUs = facts.registeredIOMMUs
        vfioContainer = facts.vfioContainerPresent
        vfioPCIDriver = facts.vfioPCIDriverPresent
        source = inventory.origin
    }

    /// `{"hostPassthrough": true, ...}`, keys sorted; unknown facts are `null`.
    public func json() -> String {
        return PrettyJSON.encode(self)
    }

    public func encode(to encoder: any Encoder) throws {
        enum Key: String, CodingKey {
            case hostPassthrough, kernelIOMMUOptions, iommuGroups, registeredIOMMUs, vfioContainer, vfioPCIDriver,
                source
        }
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(hostPassthrough, forKey: .hostPassthrough)
        try container.encode(kernelIOMMUOptions, forKey: .kernelIOMMUOptions)
        try container.encode(iommuGroups, forKey: .iommuGroups)
        try container.encode(registeredIOMMUs, forKey: .registeredIOMMUs)
        try container.encode(vfioContainer, forKey: .vfioContainer)
        try container.encode(vfioPCIDriver, forKey: .vfioPCIDriver)
        try container.encode(source, forKey: .source)
    }

    /// Lines for people.
    public func text() -> String {
        func show(_ value: Bool?) -> String { value.map { $0 ? "yes" : "no" } ?? "unknown from this source" }
        var lines = ["hostPassthrough: " + show(hostPassthrough)]
        if let options = kernelIOMMUOptions {
            lines.append(
                "  kernel command line: "
                    + (options.isEmpty ? "no intel_iommu=on, amd_iommu=on or iommu=on" : options.joined(separator: " "))
            )
        } else if hostPassthrough != nil {
            lines.append("  from libvirt's host capabilities (<iommu support=…>)")
        }
        lines.append("IOMMU groups: \(iommuGroups)")
        lines.append(
            "IOMMU registered: "
                + (registeredIOMMUs.map { $0.isEmpty ? "none under /sys/class/iommu" : $0.joined(separator: ", ") }
                    ?? "unknown from this source"))
        lines.append("/dev/vfio/vfio: " + show(vfioContainer))
        lines.append("vfio-pci driver: " + show(vfioPCIDriver))
        lines.append("source: " + source)
        return lines.joined(separator: "\n") + "\n"
    }
}
