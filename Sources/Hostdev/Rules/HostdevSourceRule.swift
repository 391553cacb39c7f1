/// A USB or SCSI hostdev whose source cannot be read: no device can be checked against it, so it
/// is refused rather than passed unchecked.
struct HostdevSourceRule: PassthroughRule {
    let id = "hostdev-source-unreadable"
    let severity = Diagnostic.Severity.error
    let summary = "USB or SCSI hostdev source missing or unreadable"
    let explanation = """
        A <hostdev type='usb'> names its device by <source><address bus device>, a <hostdev \
        type='scsi'> by <source><adapter name> and <address bus target unit>. Without a readable \
        source the device cannot be checked (is it on the host, does another domain own it), so the \
        domain is refused instead of passed unchecked. Write the numbers as libvirt does. An iSCSI \
        LUN (<source protocol='iscsi' name=…> with a <host name>) is no device of this host: QEMU \
        reaches it over the network, so there is nothing on the host to check.
        """

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        domain.hostdevs.compactMap { element in
            guard element.source == nil, element.mode != "capabilities", element.node.name == "hostdev",
                let type = element.type, type == "usb" || type == "scsi", !element.isNetworkLUN
            else { return nil }
            let expected = type == "usb" ? "<address bus device>" : "<adapter name> and <address bus target unit>"
            return finding(
                "\(type.uppercased()) hostdev has no readable source (\(expected))",
                at: element.sourceAddressNode ?? element.node, in: domain)
        }
    }
}
