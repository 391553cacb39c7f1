import LibXML

/// One `<hostdev>` element of a domain, read into typed fields with its position.
public struct HostdevElement {
    /// The element itself.
    public let node: XMLNode
    /// `mode` (`subsystem` or `capabilities`).
    public let mode: String?
    /// `type` (`pci`, `usb`, `scsi`, `mdev`, …).
    public let type: String?
    /// `managed`, as written.
    public let managed: String?
    /// The host device it takes, when the source reads cleanly.
    public let source: HostdevSource?
    /// Why the source did not read, when it did not.
    public let sourceProblem: String?
    /// The `<source><address>` element, for positions.
    public let sourceAddressNode: XMLNode?
    /// The guest `<address>` element, when present.
    public let guestAddressNode: XMLNode?
    /// Whether it takes an iSCSI LUN over the network (`<hostdev type='scsi'><source
    /// protocol='iscsi' name='IQN/LUN'><host name='…'/>`): no device of this host, nothing on the
    /// host to check, detach or own.
    public let isNetworkLUN: Bool

    /// Reads a `<hostdev>` element (or a `<interface type='hostdev'>`, which has the same source).
    public init(_ node: XMLNode) {
        self.node = node
        self.mode = node.attribute("mode")
        self.managed = node.attribute("managed")
        let type = node.name == "interface" ? "pci" : node.attribute("type")
        self.type = type
        self.guestAddressNode = node.firstElement(named: "address")
        let sourceNode = node.firstElement(named: "source")
        var source: HostdevSource?
        var problem: String?
        var addressNode: XMLNode?
        switch type {
        case "pci":
            addressNode = sourceNode?.firstElement(named: "address")
            if let address = addressNode {
                do throws(AddressError) {
                    source = .pci(
                        try PCIAddress(
                            domain: address.attribute("domain"), bus: address.attribute("bus"),
                            slot: address.attribute("slot"), function: address.attribute("function")))
                } catch {
                    problem = error.description
                }
            } else {
                problem = "PCI hostdev has no <source><address>"
            }
        case "usb":
            addressNode = sourceNode?.firstElement(named: "address")
            if let address = addressNode, let bus = address.attribute("bus").flatMap(PCIAddress.parseNumber),
                let device = address.attribute("device").flatMap(PCIAddress.parseNumber)
            {
                source = .usb(bus: Int(bus), device: Int(device))
            }
        case "scsi":
            addressNode = sourceNode?.firstElement(named: "address")
            if let adapter = sourceNode?.firstElement(named: "adapter")?.attribute("name"), let address = addressNode,
                let bus = address.attribute("bus").flatMap(PCIAddress.parseNumber),
                let target = address.attribute("target").flatMap(PCIAddress.parseNumber),
                let unit = address.attribute("unit").flatMap(PCIAddress.parseNumber)
            {
                source = .scsi(adapter: adapter, bus: Int(bus), target: Int(target), unit: Int(unit))
            }
        default:
            break
        }
        self.source = source
        self.isNetworkLUN =
            type == "scsi" && sourceNode?.attribute("protocol") == "iscsi"
            && sourceNode?.attribute("name")?.isEmpty == false
            && sourceNode?.elements(named: "host").contains { $0.attribute("name")?.isEmpty == false } == true
        self.sourceProblem = problem
        self.sourceAddressNode = addressNode
    }

    /// Every host-device element of a domain: `<devices><hostdev>` and `<interface type='hostdev'>`.
    public static func all(in domain: XMLNode) -> [HostdevElement] {
        guard let devices = domain.firstElement(named: "devices") else { return [] }
        return devices.elements.compactMap { element in
            switch element.name {
            case "hostdev": HostdevElement(element)
            case "interface" where element.attribute("type") == "hostdev": HostdevElement(element)
            default: nil
            }
        }
    }
}
