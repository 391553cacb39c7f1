/// The same host device in two domains of one run.
struct DeviceInTwoDomainsRule: CrossDomainRule {
    let id = "device-in-two-domains"
    let severity = Diagnostic.Severity.error
    let summary = "a host device assigned to two domains in the same run"
    let commands: Set<RuleCommand> = [.lint]
    let explanation = """
        Two of the linted domains name the same host device. Only one can run at a time; the other fails \
        to start ("in use by driver QEMU"). Give each guest its own device.
        """

    func check(all domains: [CheckedDomain.Summary], inventory: HostInventory?) -> [Diagnostic] {
        var first: [HostdevSource: CheckedDomain.Summary] = [:]
        var findings: [Diagnostic] = []
        for domain in domains {
            for (source, line, column) in domain.sources {
                if let other = first[source], other.file != domain.file {
                    findings.append(
                        Diagnostic(
                            severity, rule: id,
                            "\(source) is also assigned by \(other.file)\(other.name.map { " ('\($0)')" } ?? "")",
                            file: domain.file, line: line, column: column))
                } else if first[source] == nil {
                    first[source] = domain
                }
            }
        }
        return findings
    }
}
