/// Two devices of a domain with one `<boot order>`.
struct DuplicateBootOrderRule: PassthroughRule {
    let id = "duplicate-boot-order"
    let severity = Diagnostic.Severity.error
    let summary = "two devices with one boot order"
    let explanation = """
        Each bootable device of a guest has its own <boot order='N'/>. libvirt refuses a domain where two \
        devices (a disk and a hostdev, two hostdevs, ...) share a boot order. Give each its own number.
        """

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let devices = domain.root.firstElement(named: "devices") else { return [] }
        var first: [String: String] = [:]
        var findings: [Diagnostic] = []
        for device in devices.elements {
            guard let boot = device.firstElement(named: "boot"), let order = boot.attribute("order") else { continue }
            let key = PCIAddress.parseNumber(order).map(String.init) ?? order
            if let other = first[key] {
                findings.append(
                    finding(
                        "boot order \(order) of this <\(device.name)> is also used by \(other)", at: boot, in: domain))
            } else {
                first[key] = "<\(device.name)> at \(domain.place(of: device))"
            }
        }
        return findings
    }
}
