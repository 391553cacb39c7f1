/// The same host device twice in one domain, or requested twice under any of its names.
struct DuplicateHostdevRule: PassthroughRule {
    let id = "duplicate-hostdev"
    let severity = Diagnostic.Severity.error
    let summary = "the same host device twice in one domain (or requested twice, under any name)"
    let explanation = """
        A host device can be given to a guest once. libvirt refuses a domain that names the same PCI, USB \
        or SCSI source twice, at define or at start. Requests are compared by the host device they \
        resolve to, so pci_0000_01_00_0 and another name of the same device are the same request. \
        Remove the second one.
        """

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        var seen: [HostdevSource: String] = [:]
        var findings: [Diagnostic] = []
        for element in domain.hostdevs {
            guard let source = element.source else { continue }
            if let first = seen[source] {
                findings.append(
                    finding("\(source) is assigned twice (first at \(first))", at: element.node, in: domain))
            } else {
                seen[source] = domain.place(of: element.node)
            }
        }
        guard let request = domain.request else { return findings }
        var requested: [String: HostDeviceRequest] = [:]
        for entry in request.hostDevices {
            guard let device = domain.device(for: entry) else { continue }
            if let first = requested[device.name] {
                let also = first.name == entry.name ? "" : " as \(first.name)"
                findings.append(
                    finding(
                        "\(entry.name) is requested twice (also devices[\(first.index)]\(also))", request: entry,
                        in: domain))
            } else {
                requested[device.name] = entry
            }
        }
        return findings
    }
}
