import LibXML

/// An `<interface type='hostdev'>` of a domain: an SR-IOV virtual function given as a network
/// interface, whose MAC address and VLAN libvirt programs through the physical function.
public struct HostdevInterface {
    /// The element.
    public let node: XMLNode
    /// `<mac address=…>`, as written.
    public let macAddress: String?
    /// The `<mac>` element, for positions.
    public let macNode: XMLNode?
    /// Every `<vlan><tag id=…>`, as written.
    public let vlanTags: [(text: String, node: XMLNode)]

    /// Reads an interface element.
    public init(_ node: XMLNode) {
        self.node = node
        macNode = node.firstElement(named: "mac")
        macAddress = macNode?.attribute("address")
        vlanTags =
            node.firstElement(named: "vlan")?.elements(named: "tag").map { ($0.attribute("id") ?? "", $0) } ?? []
    }

    /// Every hostdev interface of a domain.
    public static func all(in domain: XMLNode) -> [HostdevInterface] {
        guard let devices = domain.firstElement(named: "devices") else { return [] }
        return devices.elements(named: "interface").filter { $0.attribute("type") == "hostdev" }.map(
            HostdevInterface.init)
    }

    /// Why a MAC address cannot be a guest's, or `nil` when it is a valid unicast address.
    public static func macProblem(_ text: String) -> String? {
        let octets = text.split(separator: ":", omittingEmptySubsequences: false)
        guard octets.count == 6, octets.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isHexDigit) }),
            let first = UInt8(octets[0], radix: 16)
        else { return "MAC address '\(DeviceName.printable(text))' is not six hex octets (52:54:00:12:34:56)" }
        if first & 1 == 1 { return "MAC address \(text) is a multicast address; a NIC needs a unicast one" }
        if octets.allSatisfy({ $0 == "00" }) { return "MAC address \(text) is all zeros" }
        return nil
    }

    /// The VLAN ids an 802.1Q tag can carry.
    public static let vlanRange = 0...4095

    /// Why a device cannot be a hostdev interface, or `nil` when it is an SR-IOV virtual function.
    public static func functionProblem(_ device: HostDevice) -> String? {
        guard let pci = device.pci else {
            return "\(device.name) is not a PCI device; a hostdev interface is an SR-IOV virtual function"
        }
        if pci.physicalFunction != nil { return nil }
        if pci.totalVFs != nil || !pci.virtualFunctions.isEmpty {
            return
                "\(device.name) is an SR-IOV physical function; libvirt programs MAC and VLAN through the PF, so only one of its VFs can be a hostdev interface"
        }
        return
            "\(device.name) is not an SR-IOV virtual function (no physfn); libvirt can only program MAC and VLAN on a VF, so give a plain NIC as a <hostdev>"
    }
}
