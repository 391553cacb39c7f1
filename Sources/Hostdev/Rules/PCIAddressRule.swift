/// A PCI hostdev whose source address is malformed or out of range.
struct PCIAddressRule: PassthroughRule {
    let id = "pci-address-invalid"
    let severity = Diagnostic.Severity.error
    let summary = "PCI hostdev source address malformed or out of range"
    let explanation = """
        A <hostdev type='pci'> names the host device by <source><address domain bus slot function>. \
        libvirt reads each number in any base, but a bus is at most 0xff, a slot 0x1f, a function 7 and \
        a domain 0xffffffff (domains above 0xffff hold Intel VMD devices); anything else names no device and the domain fails to start. Write the address \
        as libvirt does: domain='0x0000' bus='0x01' slot='0x00' function='0x0'.
        """

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        domain.hostdevs.compactMap { element in
            guard element.type == "pci", let problem = element.sourceProblem else { return nil }
            return finding(problem, at: element.sourceAddressNode ?? element.node, in: domain)
        }
    }
}
