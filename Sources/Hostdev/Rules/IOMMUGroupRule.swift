/// The central rule, shared with the transform: every endpoint of an assigned device's group is assigned.
struct IOMMUGroupRule: PassthroughRule {
    let id = IOMMUGroupCheck.rule
    let severity = Diagnostic.Severity.error
    let summary = "IOMMU group incomplete: another endpoint of the group is not assigned"
    let explanation = """
        vfio isolates IOMMU groups, not devices. If one device of a group is given to a guest, every \
        other endpoint of the group must be bound to vfio-pci (assigned to the same guest, or detached \
        as a placeholder), or QEMU fails with "group N is not viable". Bridges and root ports in the \
        group are exempt. Fix: assign the whole group (the transform can add the missing members), or name \
        the others as placeholders in the domain's hostdev metadata. The unsafe alternative, \
        vfio_iommu_type1.allow_unsafe_interrupts=1, weakens isolation between guest and host.
        """
    let needsHost = true

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let inventory = domain.inventory else { return [] }
        let assigned = Set(domain.hostdevs.compactMap { $0.source?.pciAddress })
        let placeholders = Set(MigrationMarker.placeholderAddresses(in: domain.root))
        return IOMMUGroupCheck.gaps(assigned: assigned, placeholders: placeholders, inventory: inventory).map { gap in
            let first = domain.hostdevs.first { $0.source?.pciAddress == gap.assigned.first }
            return finding(
                IOMMUGroupCheck.message(for: gap, inventory: inventory), at: first?.node, in: domain,
                fixIt: IOMMUGroupCheck.fixIt(for: gap))
        }
    }
}
