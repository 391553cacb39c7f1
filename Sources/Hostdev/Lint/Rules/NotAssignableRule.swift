/// A hostdev whose device cannot be assigned: a bridge, or a device with no IOMMU group.
struct NotAssignableRule: LintRule {
    let id = "not-assignable"
    let severity = Diagnostic.Severity.error
    let summary = "host device not assignable (a bridge, or no IOMMU group)"
    let explanation = """
        vfio assigns endpoints of an IOMMU group. A PCI-to-PCI or CardBus bridge cannot be assigned, and \
        a device without an IOMMU group means the IOMMU is off or does not cover it: QEMU fails with \
        "vfio: failed to get group" or libvirt with "VFIO device assignment is currently not supported". \
        Assign the endpoint behind the bridge, or enable the IOMMU (intel_iommu=on or amd_iommu=on).
        """
    let needsHost = true

    func check(_ domain: LintedDomain) -> [Diagnostic] {
        guard let inventory = domain.inventory else { return [] }
        return domain.hostdevs.compactMap { element in
            guard let source = element.source, let device = inventory.device(for: source),
                let reason = device.notAssignableReason
            else { return nil }
            return finding("\(device.name) cannot be assigned: \(reason)", at: element.node, in: domain)
        }
    }
}
