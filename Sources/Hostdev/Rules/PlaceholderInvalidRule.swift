/// A placeholder in the domain's marker that names no PCI device.
struct PlaceholderInvalidRule: PassthroughRule {
    let id = "placeholder-invalid"
    let severity = Diagnostic.Severity.error
    let summary = "a placeholder in the marker names no PCI device"
    let explanation = """
        A <hostdev:placeholder device='…'/> in the marker names a device the hook detaches so its IOMMU \
        group is viable. One without a device attribute, with a name libvirt would never produce \
        (pci_DDDD_BB_SS_F), or naming a device that is not PCI cannot be detached: the hook would leave \
        the group not viable, and the group check cannot count it. Write the PCI device's node-device \
        name, or remove the element.
        """

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        MigrationMarker.placeholders(in: domain.root).compactMap { placeholder in
            placeholder.problem.map { finding($0, at: placeholder.node, in: domain) }
        }
    }
}
