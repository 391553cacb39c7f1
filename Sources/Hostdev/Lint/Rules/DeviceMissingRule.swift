/// A hostdev whose source is not a device of the host.
struct DeviceMissingRule: LintRule {
    let id = "device-missing"
    let severity = Diagnostic.Severity.error
    let summary = "host device not on the host"
    let explanation = """
        The domain names a host device that the host inventory does not have: the domain will fail to \
        start with "no such host device" or a vfio error. Check the address against `hostdev list`, or \
        lint against the host the domain will run on.
        """
    let needsHost = true

    func check(_ domain: LintedDomain) -> [Diagnostic] {
        guard let inventory = domain.inventory else { return [] }
        return domain.hostdevs.compactMap { element in
            guard let source = element.source, inventory.device(for: source) == nil else { return nil }
            return finding("\(source) is not a device of \(inventory.origin)", at: element.node, in: domain)
        }
    }
}
