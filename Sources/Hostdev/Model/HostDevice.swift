/// One host device as the inventory sees it, whatever source it came from.
public struct HostDevice: Sendable, Equatable {
    /// The libvirt node-device name (`pci_0000_01_00_0`).
    public var name: String
    /// The parent device's name.
    public var parent: String?
    /// The main capability (`pci`, `usb_device`, `scsi`, `net`, `system`, …).
    public var capability: String
    /// The host driver bound to the device, when the source knows it.
    public var driver: String?
    /// PCI details, for PCI devices.
    public var pci: PCIDetails?
    /// USB details, for USB devices.
    public var usb: USBDetails?
    /// SCSI details, for SCSI devices.
    public var scsi: SCSIDetails?
    /// Network interface details, for net devices.
    public var net: NetDetails?
    /// The mediated-device types a parent offers (`<capability type='mdev_types'>`).
    public var mdevTypes: [MdevType] = []
    /// Mediated-device details, for an mdev instance.
    public var mdev: MdevDetails?
    /// Block-device details, for a storage device.
    public var storage: StorageDetails?
    /// The character device of a `scsi_generic` device (`/dev/sg0`).
    public var genericCharDevice: String?
    /// The host number of a `scsi_host` device (`scsi_host0` → 0).
    public var scsiHostNumber: Int?
    /// The kernel name of a `scsi_target` device (`target0:0:0`).
    public var scsiTargetName: String?
    /// The minor type of a `drm` device: `primary`, `control` or `render`.
    public var drmType: String?
    /// A USB interface (libvirt's `<capability type='usb'>`).
    public var usbInterface: USBInterfaceDetails?

    /// Creates a device.
    public init(
        name: String, parent: String? = nil, capability: String, driver: String? = nil, pci: PCIDetails? = nil,
        usb: USBDetails? = nil, scsi: SCSIDetails? = nil, net: NetDetails? = nil
    ) {
        self.net = net
        self.name = name
        self.parent = parent
        self.capability = capability
        self.driver = driver
        self.pci = pci
        self.usb = usb
        self.scsi = scsi
    }

    /// Whether vfio can give the device to a guest: a PCI endpoint (not a bridge, see
    /// ``PCIDetails/bridgeEvidence``) with an IOMMU group.
    public var isAssignable: Bool {
        guard let pci else { return capability == "usb_device" || capability == "scsi" }
        return !pci.isBridge && pci.iommuGroup != nil
    }

    /// Why ``isAssignable`` is false, in words, or `nil` when it is assignable.
    public var notAssignableReason: String? {
        guard let pci else {
            return isAssignable ? nil : "a \(capability) device cannot be assigned to a guest"
        }
        if let evidence = pci.bridgeEvidence { return "it is a PCI bridge (\(evidence))" }
        if pci.iommuGroup == nil { return "it has no IOMMU group, so vfio cannot assign it" }
        return nil
    }
}

/// PCI facts about a host device.
public struct PCIDetails: Sendable, Equatable {
    /// The device's address.
    public var address: PCIAddress
    /// PCI vendor id (`0x10de`).
    public var vendorID: UInt16?
    /// Vendor name, where the source has one.
    public var vendorName: String?
    /// PCI device (product) id.
    public var productID: UInt16?
    /// Product name, where the source has one.
    public var productName: String?
    /// The 24-bit class code (`0x030000` for a VGA controller).
    public var classCode: UInt32?
    /// The IOMMU group number, or `nil` when the device has none.
    public var iommuGroup: Int?
    /// The addresses of every device in the IOMMU group, this one included.
    public var iommuGroupMembers: [PCIAddress]
    /// The NUMA node, when known (`-1` from sysfs means none and is stored as `nil`).
    public var numaNode: Int?
    /// The SR-IOV physical function, for a virtual function.
    public var physicalFunction: PCIAddress?
    /// The SR-IOV virtual functions, for a physical function.
    public var virtualFunctions: [PCIAddress]
    /// The largest number of virtual functions the device supports.
    public var totalVFs: Int?
    /// libvirt's bridge capability (`pci-bridge` or `cardbus-bridge`), which it derives from the
    /// configuration header type (1 or 2); `nil` for an endpoint or when the source does not say.
    public var bridgeCapability: String?
    /// What else makes the device a bridge: other PCI devices hang off it, or the PCIe port driver
    /// (`pcieport`) holds it. Set by ``HostInventory`` from the whole host.
    public var carriesPCIDevices: String?

    /// Creates PCI details.
    public init(
        address: PCIAddress, vendorID: UInt16? = nil, vendorName: String? = nil, productID: UInt16? = nil,
        productName: String? = nil, classCode: UInt32? = nil, iommuGroup: Int? = nil,
        iommuGroupMembers: [PCIAddress] = [], numaNode: Int? = nil, physicalFunction: PCIAddress? = nil,
        virtualFunctions: [PCIAddress] = [], totalVFs: Int? = nil, bridgeCapability: String? = nil
    ) {
        self.address = address
        self.vendorID = vendorID
        self.vendorName = vendorName
        self.productID = productID
        self.productName = productName
        self.classCode = classCode
        self.iommuGroup = iommuGroup
        self.iommuGroupMembers = iommuGroupMembers
        self.numaNode = numaNode
        self.physicalFunction = physicalFunction
        self.virtualFunctions = virtualFunctions
        self.totalVFs = totalVFs
        self.bridgeCapability = bridgeCapability
    }

    /// The bridge classes: PCI-to-PCI bridge or root port (0x0604), CardBus bridge (0x0607),
    /// semi-transparent PCI-to-PCI bridge (0x0609).
    public static let bridgeClasses: Set<UInt32> = [0x0604, 0x0607, 0x0609]

    /// A bridge by any evidence: its class, libvirt's bridge capability (the header type), or devices
    /// that hang off it. A bridge is never assigned.
    public var isBridge: Bool { bridgeEvidence != nil }

    /// Why the device is a bridge, in words (`class 0x060400`, `libvirt capability pci-bridge`), or
    /// `nil` for an endpoint.
    public var bridgeEvidence: String? {
        if let classCode, Self.bridgeClasses.contains(classCode >> 8) { return "class 0x" + hex(classCode, width: 6) }
        if let bridgeCapability { return "libvirt capability \(bridgeCapability)" }
        return carriesPCIDevices
    }
}

/// USB facts about a host device.
public struct USBDetails: Sendable, Equatable {
    /// The USB bus number.
    public var bus: Int
    /// The device number on the bus.
    public var device: Int
    /// USB vendor id.
    public var vendorID: UInt16?
    /// Vendor name.
    public var vendorName: String?
    /// USB product id.
    public var productID: UInt16?
    /// Product name.
    public var productName: String?

    /// Creates USB details.
    public init(
        bus: Int, device: Int, vendorID: UInt16? = nil, vendorName: String? = nil, productID: UInt16? = nil,
        productName: String? = nil
    ) {
        self.bus = bus
        self.device = device
        self.vendorID = vendorID
        self.vendorName = vendorName
        self.productID = productID
        self.productName = productName
    }
}

/// SCSI facts about a host device: its host adapter and address.
public struct SCSIDetails: Sendable, Equatable {
    /// The SCSI host (adapter) number, as in `scsi_host0`.
    public var host: Int
    /// The bus (channel).
    public var bus: Int
    /// The target.
    public var target: Int
    /// The logical unit.
    public var unit: Int
    /// The SCSI device type (`disk`, …), when known.
    public var type: String?

    /// Creates SCSI details.
    public init(host: Int, bus: Int, target: Int, unit: Int, type: String? = nil) {
        self.host = host
        self.bus = bus
        self.target = target
        self.unit = unit
        self.type = type
    }
}

/// A network interface on a host device.
public struct NetDetails: Sendable, Equatable {
    /// The interface name (`enp3s0f0`).
    public var interface: String
    /// The MAC address.
    public var address: String?

    /// Creates net details.
    public init(interface: String, address: String?) {
        self.interface = interface
        self.address = address
    }
}

/// A USB interface: its number, class, subclass and protocol, as the device descriptor gives them.
public struct USBInterfaceDetails: Sendable, Equatable {
    /// `bInterfaceNumber`.
    public var number: Int
    /// `bInterfaceClass`.
    public var interfaceClass: Int
    /// `bInterfaceSubClass`.
    public var subclass: Int
    /// `bInterfaceProtocol`.
    public var `protocol`: Int

    /// Creates USB interface details.
    public init(number: Int, interfaceClass: Int, subclass: Int, protocol: Int) {
        self.number = number
        self.interfaceClass = interfaceClass
        self.subclass = subclass
        self.protocol = `protocol`
    }
}
