/// Two domains of one run holding devices of one IOMMU group.
struct SplitGroupRule: CrossDomainRule {
    let id = "iommu-group-split"
    let severity = Diagnostic.Severity.error
    let summary = "two domains holding devices of one IOMMU group (on the host, or in one lint run)"
    let explanation = """
        An IOMMU group is the smallest unit vfio can isolate, so it goes to one guest. If two guests hold \
        devices of one group, the second to start fails ("group N is not viable" or "device is already \
        in use"). Give the whole group to one guest.
        """
    let needsHost = true
    let commands = RuleCommand.domainCommands.union([.doctor])

    /// doctor: the domains of the host that hold the device's group, when there are several.
    func check(device subject: CheckedDevice) -> [Diagnostic] {
        let inventory = subject.inventory
        guard let group = subject.device.pci?.iommuGroup else { return [] }
        var holders: [String: [String]] = [:]
        for member in inventory.groupMembers(group) {
            guard let device = inventory.device(at: member) else { continue }
            for owner in inventory.owners(of: device) { holders[owner.name, default: []].append(device.name) }
        }
        guard holders.count > 1 else { return [] }
        let held = holders.sorted { $0.key < $1.key }.map { "'\($0.key)' holds \($0.value.joined(separator: ", "))" }
        return [
            finding(
                "IOMMU group \(group) is split: " + held.joined(separator: "; "), device: subject,
                fixIt: "give the whole group to one domain")
        ]
    }

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let inventory = domain.inventory else { return [] }
        let elements = domain.hostdevs.compactMap { element in element.source?.pciAddress.map { ($0, element) } }
        let assigned = Set(elements.map(\.0))
        var findings: [Diagnostic] = []
        var seen: Set<Int> = []
        for (address, element) in elements {
            guard let group = inventory.device(at: address)?.pci?.iommuGroup, seen.insert(group).inserted else {
                continue
            }
            for member in inventory.groupMembers(group) where !assigned.contains(member) {
                guard let device = inventory.device(at: member) else { continue }
                for owner in inventory.owners(of: device) where !domain.isSelf(owner) {
                    findings.append(
                        finding(
                            "IOMMU group \(group) would be split: \(member.nodeDeviceName) is assigned to domain '\(owner.name)'",
                            at: element.node, in: domain,
                            fixIt:
                                "a group goes to one guest; remove \(member.nodeDeviceName) from '\(owner.name)' first")
                    )
                }
            }
        }
        return findings
    }

    func check(all domains: [CheckedDomain.Summary], inventory: HostInventory?) -> [Diagnostic] {
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
