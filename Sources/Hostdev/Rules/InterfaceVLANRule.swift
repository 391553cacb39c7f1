/// A hostdev interface whose VLAN is out of range, or a trunk.
struct InterfaceVLANRule: PassthroughRule {
    let id = "interface-vlan-invalid"
    let severity = Diagnostic.Severity.error
    let summary = "a hostdev interface's VLAN is outside 0-4095, or several tags (a trunk)"
    let explanation = """
        An 802.1Q tag carries a VLAN id from 0 to 4095, and libvirt sets exactly one on an SR-IOV \
        virtual function: a trunk of several tags is refused ("vlan trunking is not supported by \
        SR-IOV network devices"). Give one tag from 0 to 4095.
        """

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for interface in HostdevInterface.all(in: domain.root) {
            for tag in interface.vlanTags {
                guard let id = Int(tag.text), HostdevInterface.vlanRange.contains(id) else {
                    findings.append(
                        finding(
                            "VLAN '\(DeviceName.printable(tag.text))' is not from 0 to 4095", at: tag.node, in: domain))
                    continue
                }
            }
            if interface.vlanTags.count > 1 {
                findings.append(
                    finding(
                        "\(interface.vlanTags.count) VLAN tags (a trunk); an SR-IOV VF takes one", at: interface.node,
                        in: domain))
            }
        }
        return findings
    }
}
