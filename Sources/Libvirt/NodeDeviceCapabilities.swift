internal import CLibvirt

/// Node-device capability filters for ``Connection/nodeDevices(capabilities:)``.
public struct NodeDeviceCapabilities: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let system = Self(rawValue: VIR_CONNECT_LIST_NODE_DEVICES_CAP_SYSTEM.rawValue)
    public static let pci = Self(rawValue: VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV.rawValue)
    public static let usbDevice = Self(rawValue: VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_DEV.rawValue)
    public static let usbInterface = Self(rawValue: VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_INTERFACE.rawValue)
    public static let net = Self(rawValue: VIR_CONNECT_LIST_NODE_DEVICES_CAP_NET.rawValue)
    public static let scsiHost = Self(rawValue: VIR_CONNECT_LIST_NODE_DEVICES_CAP_SCSI_HOST.rawValue)
    public static let scsiTarget = Self(rawValue: VIR_CONNECT_LIST_NODE_DEVICES_CAP_SCSI_TARGET.rawValue)
    public static let scsi = Self(rawValue: VIR_CONNECT_LIST_NODE_DEVICES_CAP_SCSI.rawValue)
    public static let storage = Self(rawValue: VIR_CONNECT_LIST_NODE_DEVICES_CAP_STORAGE.rawValue)
    public static let scsiGeneric = Self(rawValue: VIR_CONNECT_LIST_NODE_DEVICES_CAP_SCSI_GENERIC.rawValue)
    public static let mdev = Self(rawValue: VIR_CONNECT_LIST_NODE_DEVICES_CAP_MDEV.rawValue)

    /// libvirt's capability names (`pci`, `usb_device`, …) and their flags.
    public static let byName: [String: NodeDeviceCapabilities] = [
        "system": .system, "pci": .pci, "usb_device": .usbDevice, "usb": .usbInterface, "net": .net,
        "scsi_host": .scsiHost, "scsi_target": .scsiTarget, "scsi": .scsi, "storage": .storage,
        "scsi_generic": .scsiGeneric, "mdev": .mdev,
    ]

    /// The flag for one of libvirt's capability names, or `nil` for an unknown name.
    public init?(name: String) {
        guard let value = Self.byName[name] else { return nil }
        self = value
    }
}
