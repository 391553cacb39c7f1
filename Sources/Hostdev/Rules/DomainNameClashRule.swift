/// A domain named like another domain of the host but with another UUID.
struct DomainNameClashRule: PassthroughRule {
    let id = "domain-name-clash"
    let severity = Diagnostic.Severity.error
    let summary = "a domain of the host has this name but another UUID"
    let explanation = """
        libvirt knows a domain by its UUID; its name must be unique on the host. A domain named like \
        another one with a different (or no) UUID is refused at define ("domain ... already exists with \
        uuid ..."), and its devices are not that domain's devices: hostdev never treats it as the other \
        domain. Rename it, or give it the UUID of the domain it is meant to replace.
        """
    let needsHost = true

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let inventory = domain.inventory, let name = domain.name,
            let other = inventory.domains.first(where: { $0.name == name && !domain.isSelf($0) })
        else { return [] }
        let theirs = other.uuid.map { "UUID \($0)" } ?? "no UUID"
        let ours = domain.uuid.map { "this one has \($0)" } ?? "this one has none"
        return [
            finding(
                "domain '\(name)' on \(inventory.origin) has \(theirs); \(ours)",
                at: domain.root.firstElement(named: "name") ?? domain.root, in: domain,
                fixIt: "rename this domain, or give it the UUID of the domain it replaces")
        ]
    }
}
