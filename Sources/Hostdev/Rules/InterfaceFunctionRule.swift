/// A hostdev interface whose device is not an SR-IOV virtual function.
struct InterfaceFunctionRule: PassthroughRule {
    let id = "interface-not-vf"
    let severity = Diagnostic.Severity.error
    let summary = "a hostdev interface that is not an SR-IOV virtual function"
    let explanation = """
        <interface type='hostdev'> asks libvirt to program the guest's MAC address and VLAN on the \
        device through its SR-IOV physical function; a PF itself or a plain NIC has no PF to program \
        it through, and libvirt fails at start. Give a VF of the PF (hostdev list shows each VF's \
        physfn), or pass a plain NIC as a <hostdev>.
        """
    let needsHost = true

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let inventory = domain.inventory else { return [] }
        var findings: [Diagnostic] = []
        for interface in HostdevInterface.all(in: domain.root) {
            guard let source = HostdevElement(interface.node).source, let device = inventory.device(for: source),
                let problem = HostdevInterface.functionProblem(device)
            else { continue }
            findings.append(finding(problem, at: interface.node, in: domain))
        }
        for entry in domain.request?.interfaces ?? [] where entry.device.name.pciAddress == nil {
            let device = inventory.device(named: entry.device.name)
            let problem =
                device.flatMap(HostdevInterface.functionProblem)
                ?? "\(entry.device.name) is not a host device on \(inventory.origin)"
            findings.append(finding(problem, request: entry.device, in: domain))
        }
        return findings
    }
}
