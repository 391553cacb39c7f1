/// Two devices of a domain with one user alias.
struct DuplicateAliasRule: PassthroughRule {
    let id = "duplicate-alias"
    let severity = Diagnostic.Severity.error
    let summary = "two devices with one user alias (ua-...)"
    let explanation = """
        A device alias names one device. libvirt keeps user aliases (those starting with ua-) in a \
        defined domain and refuses one used twice ("non unique alias detected"). Give each device its \
        own alias.
        """

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let devices = domain.root.firstElement(named: "devices") else { return [] }
        var first: [String: String] = [:]
        var findings: [Diagnostic] = []
        for device in devices.elements {
            guard let alias = device.firstElement(named: "alias"), let name = alias.attribute("name"),
                name.hasPrefix("ua-")
            else { continue }
            if let other = first[name] {
                findings.append(finding("alias \(name) is also used by \(other)", at: alias, in: domain))
            } else {
                first[name] = "<\(device.name)> at \(domain.place(of: device))"
            }
        }
        return findings
    }
}
