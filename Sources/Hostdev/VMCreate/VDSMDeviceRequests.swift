extension VMCreateRequest {
    /// Whether anything is asked of the host: host devices, hostdev interfaces or mediated devices.
    public var needsHost: Bool { !hostDevices.isEmpty || !interfaces.isEmpty || !mediatedDevices.isEmpty }

    /// Takes a device dictionary that is a hostdev interface (`"type": "interface", "device":
    /// "hostdev"`) or a mediated device (`"type": "mdev"`); returns whether it was one.
    static func decodeVDSMDevice(
        _ dictionary: [String: JSONValue], index: Int, source: String, into request: inout VMCreateRequest
    ) throws(VMCreateError) -> Bool {
        switch (dictionary["type"]?.text, dictionary["device"]?.text) {
        case ("interface", "hostdev"):
            request.interfaces.append(
                try HostdevInterfaceRequest(dictionary, index: index, source: source, notes: &request.notes))
            return true
        case ("mdev", _):
            request.mediatedDevices.append(
                try MdevRequest(dictionary, index: index, source: source, notes: &request.notes))
            return true
        default:
            return false
        }
    }
}

extension MdevRequest {
    /// The instance's UUID: the one given, or a version-5 UUID of the vmId, the type and how many
    /// requests of the same type come before this one, so that a second run names the same instance.
    public func instanceUUID(vmId: String, among requests: [MdevRequest]) -> String {
        if let uuid { return uuid }
        let ordinal = requests.prefix { $0.index != index }.filter { $0.type == type }.count
        return NameBasedUUID.v5(namespace: NameBasedUUID.mdevNamespace, name: "\(vmId.lowercased())/\(type)/\(ordinal)")
    }
}
