/// Per-device boot orders together with `<os><boot dev=…>`.
struct BootOrderConflictRule: PassthroughRule {
    let id = "boot-order-conflict"
    let severity = Diagnostic.Severity.error
    let summary = "a device boot order together with `<boot dev=...>` in `<os>`"
    let explanation = """
        libvirt takes the boot sequence either from <os><boot dev=.../> or from per-device <boot \
        order='N'/> elements, never both ("per-device boot elements cannot be used together with os/boot \
        elements"). Drop the <os><boot> elements and give every bootable device a boot order.
        """

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let boot = domain.root.firstElement(named: "os")?.firstElement(named: "boot"),
            let devices = domain.root.firstElement(named: "devices"),
            let ordered = devices.elements.first(where: { $0.firstElement(named: "boot")?.attribute("order") != nil })
        else { return [] }
        return [
            finding(
                "the boot order of <\(ordered.name)> at \(domain.place(of: ordered)) cannot be combined with "
                    + "<boot dev='\(boot.attribute("dev") ?? "")'> in <os>; libvirt refuses the domain", at: boot,
                in: domain, fixIt: "drop the <os><boot> elements and give every bootable device a boot order")
        ]
    }
}
