/// A device the host itself uses: its network interface that is up, a mounted filesystem or swap
/// on a disk behind it.
struct HostUseRule: PassthroughRule {
    let id = "host-device-in-use"
    let severity = Diagnostic.Severity.error
    let summary = "the host itself uses the device (an interface that is up, a mounted filesystem, swap)"
    let explanation = """
        Detaching a device from its host driver takes it from the host: the management NIC goes down, \
        the root disk's controller disappears under a mounted filesystem. Where the source shows what \
        the host uses (a sysfs tree, or /sys on a local connection), a device the host uses is never \
        assigned, detached or added to complete a group; move that use elsewhere first. detach refuses \
        a device whose host use cannot be read; a forced detach overrides this guard, and only this one.
        """
    let needsHost = true
    let commands = RuleCommand.domainCommands.union([.doctor, .detach])
    let yieldsToForce = true

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let inventory = domain.inventory, let hostUse = inventory.facts.hostUse else { return [] }
        return domain.hostdevs.compactMap { element in
            guard let address = element.source?.pciAddress, let uses = hostUse[address], !uses.isEmpty else {
                return nil
            }
            return finding(
                "the host itself uses \(address.nodeDeviceName): \(uses.joined(separator: "; "))", at: element.node,
                in: domain, fixIt: Self.fixIt(address.nodeDeviceName, uses))
        }
    }

    func check(device subject: CheckedDevice) -> [Diagnostic] {
        guard let address = subject.device.pci?.address else { return [] }
        guard let hostUse = subject.inventory.facts.hostUse else {
            guard subject.command == .detach else { return [] }
            return [
                finding(
                    "cannot tell whether the host uses \(subject.device.name): \(subject.inventory.origin) does not show "
                        + "its mounts, swap and interfaces", device: subject,
                    fixIt: "run on the host itself (a local connection reads /sys), or check by hand and force it")
            ]
        }
        guard let uses = hostUse[address], !uses.isEmpty else { return [] }
        return [
            finding(
                "the host itself uses \(subject.device.name): \(uses.joined(separator: "; "))", device: subject,
                fixIt: Self.fixIt(subject.device.name, uses))
        ]
    }

    /// Names the use and what to move first; never "detach it".
    static func fixIt(_ name: String, _ uses: [String]) -> FixIt {
        "move what the host runs on \(name) elsewhere first (\(uses.joined(separator: "; "))), or pick another device"
    }
}
