import LibXML

/// A hostdev's guest PCI address that another device of the domain also takes.
struct GuestAddressCollisionRule: PassthroughRule {
    let id = "guest-address-collision"
    let severity = Diagnostic.Severity.error
    let summary = "guest PCI address of a hostdev collides with another device"
    let explanation = """
        Every device of a guest needs its own PCI address. A hostdev whose <address type='pci'> is also \
        used by a disk, an interface, a controller or another hostdev makes libvirt refuse the domain \
        ("Attempted double use of PCI Address"). Pick a free slot or drop the address and let libvirt \
        assign one.
        """

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let devices = domain.root.firstElement(named: "devices") else { return [] }
        var users: [PCIAddress: [XMLNodeLabel]] = [:]
        for device in devices.elements {
            guard let node = device.firstElement(named: "address"), let address = node.guestPCIAddress else {
                continue
            }
            let isHostdev =
                device.name == "hostdev" || (device.name == "interface" && device.attribute("type") == "hostdev")
            users[address, default: []].append(XMLNodeLabel(node: node, device: device, isHostdev: isHostdev))
        }
        var findings: [Diagnostic] = []
        for (address, labels) in users.sorted(by: { $0.key < $1.key }) where labels.count > 1 {
            // Each hostdev names the first other user and counts the rest: naming every other user
            // in every finding made n findings of n names each.
            for (index, label) in labels.enumerated() where label.isHostdev {
                let other = labels[index == 0 ? 1 : 0]
                let more = labels.count - 2
                let rest = more == 0 ? "" : " and \(more) other device\(more == 1 ? "" : "s")"
                findings.append(
                    finding(
                        "guest PCI address \(address) is also used by <\(other.device.name)> at "
                            + domain.place(of: other.device) + rest,
                        at: label.node, in: domain))
            }
        }
        return findings
    }
}

/// A device element and its guest address element.
private struct XMLNodeLabel {
    let node: XMLNode
    let device: XMLNode
    let isHostdev: Bool
}

extension XMLNode {
    /// The PCI address of a guest `<address type='pci'>` element, or `nil` when it is another type or
    /// does not read (the schema check reports that).
    var guestPCIAddress: PCIAddress? {
        guard attribute("type") == "pci" else { return nil }
        do throws(AddressError) {
            return try PCIAddress(
                domain: attribute("domain"), bus: attribute("bus"), slot: attribute("slot"),
                function: attribute("function"))
        } catch {
            return nil
        }
    }
}

extension HostdevElement {
    /// The guest PCI address, when the element has one that reads.
    var guestAddress: PCIAddress? { guestAddressNode?.guestPCIAddress }
}
