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
        // Per group, the first domain holding each address; the same device twice is another rule's finding.
        var holders: [Int: [(address: PCIAddress, file: String)]] = [:]
        var findings: [Diagnostic] = []
        for domain in domains {
            for (source, line, column) in domain.sources {
                guard let address = source.pciAddress, let group = inventory.device(at: address)?.pci?.iommuGroup else {
                    continue
                }
                let others = (holders[group] ?? []).filter { $0.file != domain.file && $0.address != address }
                if let other = others.first {
                    findings.append(
                        Diagnostic(
                            severity, rule: id,
                            "IOMMU group \(group) is split: \(address.nodeDeviceName) is here, and \(other.file) holds \(other.address.nodeDeviceName) of the same group",
                            file: domain.file, line: line, column: column))
                }
                holders[group, default: []].append((address, domain.file))
            }
        }
        return findings
    }
}
