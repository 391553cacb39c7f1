/// A hostdev whose device another domain on the host already holds.
struct OwnedByOtherDomainRule: LintRule {
    let id = "owned-by-other-domain"
    let severity = Diagnostic.Severity.error
    let summary = "host device owned by another domain on the host"
    let explanation = """
        Another domain defined on the host already names this device. Only one of them can run: the \
        second fails to start with "PCI device ... is in use by driver QEMU, domain ...". Remove the \
        device from one of them.
        """
    let needsHost = true

    func check(_ domain: LintedDomain) -> [Diagnostic] {
        guard let inventory = domain.inventory else { return [] }
        return domain.hostdevs.compactMap { element in
            guard let source = element.source, let device = inventory.device(for: source),
                let owner = inventory.owners(of: device).first(where: { !domain.isSelf($0) })
            else { return nil }
            let state = owner.isActive ? "running" : "shut off"
            return finding(
                "\(device.name) is assigned to domain '\(owner.name)' (\(state))", at: element.node, in: domain)
        }
    }
}
