/// A device requested as a placeholder that the domain already gives to the guest.
struct PlaceholderAssignedRule: PassthroughRule {
    let id = "placeholder-assigned"
    let severity = Diagnostic.Severity.error
    let summary = "a device requested as a placeholder is already a hostdev of the domain"
    let explanation = """
        A placeholder (specParams iommuPlaceholder) is detached so its IOMMU group is viable, but not \
        given to the guest. A device the domain already holds as a <hostdev> cannot be both. Drop the \
        placeholder request, or remove the <hostdev>.
        """
    let needsHost = true
    let commands: Set<RuleCommand> = [.transform, .define, .hook]

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let request = domain.request else { return [] }
        return request.hostDevices.compactMap { entry in
            guard entry.isPlaceholder, let source = domain.device(for: entry)?.hostdevSource,
                let present = domain.hostdevs.first(where: { $0.source == source })
            else { return nil }
            return finding(
                "devices[\(entry.index)]: \(entry.name) is a placeholder but already a hostdev of this domain",
                at: present.node, in: domain)
        }
    }
}
