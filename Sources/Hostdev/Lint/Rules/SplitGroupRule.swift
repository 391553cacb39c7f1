/// Two domains of one run holding devices of one IOMMU group.
struct SplitGroupRule: CrossDomainRule {
    let id = "iommu-group-split"
    let severity = Diagnostic.Severity.error
    let summary = "two domains holding devices of one IOMMU group"
    let explanation = """
        An IOMMU group is the smallest unit vfio can isolate, so it goes to one guest. If two guests hold \
        devices of one group, the second to start fails ("group N is not viable" or "device is already \
        in use"). Give the whole group to one guest.
        """
    let needsHost = true

    func check(all domains: [LintedDomain.Summary], inventory: HostInventory?) -> [Diagnostic] {
        guard let inventory else { return [] }
        var holder: [Int: LintedDomain.Summary] = [:]
        var findings: [Diagnostic] = []
        for domain in domains {
            for (source, line, column) in domain.sources {
                guard let address = source.pciAddress, let group = inventory.device(at: address)?.pci?.iommuGroup else {
                    continue
                }
                if let other = holder[group], other.file != domain.file {
                    findings.append(
                        Diagnostic(
                            severity, rule: id,
                            "IOMMU group \(group) is split: \(address.nodeDeviceName) is here, and \(other.file) holds another device of the group",
                            file: domain.file, line: line, column: column))
                } else if holder[group] == nil {
                    holder[group] = domain
                }
            }
        }
        return findings
    }
}
