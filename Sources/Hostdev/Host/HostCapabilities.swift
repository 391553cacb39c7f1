import FoundationEssentials

/// Whether the host can do passthrough: VDSM's `hostPassthrough` and the evidence behind it.
///
/// The verdict is what the chosen source shows of the IOMMU itself, as VDSM decides it: IOMMU
/// groups, or an IOMMU registered under `/sys/class/iommu` (AMD hosts turn the IOMMU on without any
/// command-line flag). The kernel command line is evidence shown beside it, never the verdict. Every
/// fact comes from the source, or is unknown.
public struct HostCapabilities: Sendable, Encodable {
    /// The source shows an IOMMU at work; `nil` when it cannot tell.
    public var hostPassthrough: Bool?
    /// Why ``hostPassthrough`` is what it is, one line each.
    public var evidence: [String]
    /// The IOMMU options found on the kernel command line; `nil` when the source cannot see it.
    public var kernelIOMMUOptions: [String]?
    /// How many IOMMU groups the host has.
    public var iommuGroups: Int
    /// The IOMMUs registered under `/sys/class/iommu`.
    public var registeredIOMMUs: [String]?
    /// `/dev/vfio/vfio` is present.
    public var vfioContainer: Bool?
    /// The vfio-pci driver is registered.
    public var vfioPCIDriver: Bool?
    /// How the source shows the host is itself a virtual machine, if it does.
    public var hypervisor: String?
    /// Where the facts came from.
    public var source: String

    /// Reads the capabilities off an inventory.
    public init(inventory: HostInventory) {
        let facts = inventory.facts
        kernelIOMMUOptions = facts.enabledIOMMUOptions
        iommuGroups = inventory.groupNumbers.count
        registeredIOMMUs = facts.registeredIOMMUs
        vfioContainer = facts.vfioContainerPresent
        vfioPCIDriver = facts.vfioPCIDriverPresent
        hypervisor = facts.hypervisor
        source = inventory.origin
        (hostPassthrough, evidence) = Self.verdict(inventory)
    }

    /// IOMMU groups or a registered IOMMU say yes; a source that shows neither where it could says no.
    static func verdict(_ inventory: HostInventory) -> (Bool?, [String]) {
        let facts = inventory.facts
        let groups = inventory.groupNumbers.count
        let registered = facts.registeredIOMMUs ?? []
        var yes: [String] = []
        if groups > 0 { yes.append("\(groups) IOMMU groups") }
        if !registered.isEmpty { yes.append("IOMMU registered: " + registered.joined(separator: ", ")) }
        if facts.libvirtIOMMUSupport == true { yes.append("libvirt reports <iommu support='yes'/>") }
        if !yes.isEmpty { return (true, yes) }
        if facts.registeredIOMMUs != nil {
            return (false, ["no IOMMU group, and no IOMMU registered under /sys/class/iommu"])
        }
        if facts.libvirtIOMMUSupport == false { return (false, ["libvirt reports <iommu support='no'/>"]) }
        let pci = inventory.devices.filter { $0.pci != nil }.count
        if pci > 0 { return (false, ["none of the \(pci) PCI devices is in an IOMMU group"]) }
        return (nil, ["the source shows no PCI device and no IOMMU"])
    }

    /// `{"hostPassthrough": true, ...}`, keys sorted; unknown facts are `null`.
    public func json() -> String {
        return PrettyJSON.encode(self)
    }

    public func encode(to encoder: any Encoder) throws {
        enum Key: String, CodingKey {
            case hostPassthrough, evidence, kernelIOMMUOptions, iommuGroups, registeredIOMMUs, vfioContainer,
                vfioPCIDriver, hypervisor, source
        }
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(hostPassthrough, forKey: .hostPassthrough)
        try container.encode(evidence, forKey: .evidence)
        try container.encode(kernelIOMMUOptions, forKey: .kernelIOMMUOptions)
        try container.encode(iommuGroups, forKey: .iommuGroups)
        try container.encode(registeredIOMMUs, forKey: .registeredIOMMUs)
        try container.encode(vfioContainer, forKey: .vfioContainer)
        try container.encode(vfioPCIDriver, forKey: .vfioPCIDriver)
        try container.encode(hypervisor, forKey: .hypervisor)
        try container.encode(source, forKey: .source)
    }

    /// Lines for people.
    public func text() -> String {
        func show(_ value: Bool?) -> String { value.map { $0 ? "yes" : "no" } ?? "unknown from this source" }
        var lines = ["hostPassthrough: " + show(hostPassthrough)]
        lines += evidence.map { "  " + $0 }
        lines.append(
            "kernel command line: "
                + (kernelIOMMUOptions.map {
                    $0.isEmpty ? "no intel_iommu=on, amd_iommu=on or iommu=on" : $0.joined(separator: " ")
                } ?? "unknown from this source"))
        lines.append("IOMMU groups: \(iommuGroups)")
        lines.append(
            "IOMMU registered: "
                + (registeredIOMMUs.map { $0.isEmpty ? "none under /sys/class/iommu" : $0.joined(separator: ", ") }
                    ?? "unknown from this source"))
        lines.append("/dev/vfio/vfio: " + show(vfioContainer))
        lines.append("vfio-pci driver: " + show(vfioPCIDriver))
        if let hypervisor { lines.append("virtual machine: " + hypervisor) }
        lines.append("source: " + source)
        return lines.joined(separator: "\n") + "\n"
    }
}
