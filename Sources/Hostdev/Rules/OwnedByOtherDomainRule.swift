/// A device another domain of the host holds.
struct OwnedByOtherDomainRule: PassthroughRule {
    let id = "owned-by-other-domain"
    let severity = Diagnostic.Severity.error
    let summary = "host device owned by another domain on the host (a running one, for detach and reattach)"
    let explanation = """
        Another domain defined on the host (another UUID; a name alone never makes it this domain) \
        already names this device. Only one of them can run: the second fails to start with "PCI device \
        ... is in use by driver QEMU, domain ...". Remove the device from one of them. detach and \
        reattach refuse a device a running domain holds; doctor flags a device several domains name.
        """
    let needsHost = true
    let commands = RuleCommand.domainCommands.union([.doctor, .detach, .reattach])

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let inventory = domain.inventory else { return [] }
        return domain.hostdevs.compactMap { element in
            guard let source = element.source, let device = inventory.device(for: source),
                let owner = inventory.owners(of: device).first(where: { !domain.isSelf($0) })
            else { return nil }
            let state = owner.isActive ? "running" : "shut off"
            return finding(
                "\(device.name) is assigned to domain '\(owner.name)' (\(state))", at: element.node, in: domain,
                fixIt: "remove it from '\(owner.name)' first, or pick another device")
        }
    }

    func check(device subject: CheckedDevice) -> [Diagnostic] {
        let owners = subject.inventory.owners(of: subject.device)
        let name = subject.device.name
        switch subject.command {
        case .doctor:
            guard owners.count > 1 else { return [] }
            return [
                finding(
                    "\(name) is owned by " + owners.map { "'\($0.name)'" }.joined(separator: " and "),
                    device: subject, fixIt: "remove it from all but one domain; only one can start")
            ]
        default:
            guard let owner = owners.first(where: \.isActive) else { return [] }
            return [
                finding(
                    "\(name) belongs to running domain '\(owner.name)'", device: subject,
                    fixIt: "shut '\(owner.name)' down or remove the device from it first")
            ]
        }
    }
}
