/// A hostdev, or a requested device, that is not a device of the host.
struct DeviceMissingRule: PassthroughRule {
    let id = "device-missing"
    let severity = Diagnostic.Severity.error
    let summary = "host device not on the host"
    let explanation = """
        The domain (or the request) names a host device that the host inventory does not have: the \
        domain will fail to start with "no such host device" or a vfio error. Check the address against \
        the host's device list, or check against the host the domain will run on.
        """
    let needsHost = true

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let inventory = domain.inventory else { return [] }
        var findings = domain.hostdevs.compactMap { element -> Diagnostic? in
            guard let source = element.source, inventory.device(for: source) == nil else { return nil }
            return finding("\(source) is not a device of \(inventory.origin)", at: element.node, in: domain)
        }
        for entry in domain.request?.hostDevices ?? [] where domain.device(for: entry) == nil {
            findings.append(
                finding(
                    "\(entry.name) is not a host device on \(inventory.origin)", request: entry, in: domain,
                    fixIt: FixIt("see the host's devices", action: .listHostDevices)))
        }
        return findings
    }
}
