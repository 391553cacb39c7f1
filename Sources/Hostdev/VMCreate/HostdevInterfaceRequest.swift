/// An SR-IOV virtual function asked for as a network interface, as VDSM writes it:
/// `{"type": "interface", "device": "hostdev", "hostdev": "pci_0000_05_10_7", "macAddr": "52:54:00:12:34:56",
/// "specParams": {"vlanid": 3}, "bootOrder": "9", "alias": "ua-vf0", "address": {…}}`.
///
/// The transform writes `<interface type='hostdev' managed='no'>`, so that libvirt programs the MAC
/// address and VLAN through the physical function.
public struct HostdevInterfaceRequest: Sendable, Equatable {
    /// The virtual function, with the guest address, boot order and alias (checked as for `<hostdev>`).
    public var device: HostDeviceRequest
    /// The guest's MAC address, as given.
    public var macAddress: String
    /// The VLAN tag libvirt sets on the VF, when one was asked for.
    public var vlan: Int?

    /// Creates a request.
    public init(device: HostDeviceRequest, macAddress: String, vlan: Int? = nil) {
        self.device = device
        self.macAddress = macAddress
        self.vlan = vlan
    }

    static let knownKeys: Set<String> = [
        "type", "device", "hostdev", "macAddr", "specParams", "bootOrder", "alias", "address", "deviceId", "network",
        "linkActive",
    ]

    init(_ dictionary: [String: JSONValue], index: Int, source: String, notes: inout [Diagnostic])
        throws(VMCreateError)
    {
        let place = "devices[\(index)]"
        func fail(_ reason: String) -> VMCreateError { VMCreateError(source: source, "\(place): \(reason)") }
        guard let name = dictionary["hostdev"]?.text else {
            throw fail("a hostdev interface has no \"hostdev\" (the VF's device name)")
        }
        guard let mac = dictionary["macAddr"]?.text, !mac.isEmpty else {
            throw fail("a hostdev interface has no \"macAddr\"")
        }
        var base: [String: JSONValue] = ["type": .string("hostdev"), "device": .string(name)]
        for key in ["address", "bootOrder", "alias"] { base[key] = dictionary[key] }
        var ignored: [Diagnostic] = []
        device = try HostDeviceRequest(base, index: index, source: source, notes: &ignored)
        macAddress = mac
        if let specParams = dictionary["specParams"], specParams != .null {
            guard case .object(let params) = specParams else { throw fail("specParams must be an object") }
            if let value = params["vlanid"], value != .null {
                guard let text = value.text, let number = Int(text) else {
                    throw fail("specParams.vlanid must be a whole number, found \(value.kind)")
                }
                vlan = number
            }
            for key in params.keys.sorted() where key != "vlanid" {
                notes.append(
                    Diagnostic(
                        .warning, rule: "vmcreate", "\(place): specParams key '\(key)' ignored for a hostdev interface",
                        file: source))
            }
        }
        for key in dictionary.keys.sorted() where !Self.knownKeys.contains(key) {
            notes.append(Diagnostic(.warning, rule: "vmcreate", "\(place): unknown key '\(key)' ignored", file: source))
        }
    }
}
