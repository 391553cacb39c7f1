/// A hostdev interface whose MAC address is not a valid unicast address.
struct InterfaceMACRule: PassthroughRule {
    let id = "interface-mac-invalid"
    let severity = Diagnostic.Severity.error
    let summary = "a hostdev interface's MAC address is malformed, multicast or all zeros"
    let explanation = """
        libvirt programs the MAC address of a hostdev interface on the virtual function; the PF's driver \
        refuses a multicast address (the first octet odd) or all zeros, and the guest gets no network. \
        Give a unicast address, such as one from the 52:54:00 range.
        """

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        HostdevInterface.all(in: domain.root).compactMap { interface in
            guard let mac = interface.macAddress, let problem = HostdevInterface.macProblem(mac) else { return nil }
            return finding(problem, at: interface.macNode ?? interface.node, in: domain)
        }
    }
}
