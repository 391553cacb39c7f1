/// The same host device twice in one domain.
struct DuplicateHostdevRule: LintRule {
    let id = "duplicate-hostdev"
    let severity = Diagnostic.Severity.error
    let summary = "the same host device twice in one domain"
    let explanation = """
        A host device can be given to a guest once. libvirt refuses a domain that names the same PCI, USB \
        or SCSI source twice, at define or at start. Remove the second <hostdev>.
        """

    func check(_ domain: LintedDomain) -> [Diagnostic] {
        var seen: [HostdevSource: Int] = [:]
        var findings: [Diagnostic] = []
        for element in domain.hostdevs {
            guard let source = element.source else { continue }
            if let line = seen[source] {
                findings.append(
                    finding("\(source) is assigned twice (first at line \(line))", at: element.node, in: domain))
            } else {
                seen[source] = element.node.line ?? 0
            }
        }
        return findings
    }
}
