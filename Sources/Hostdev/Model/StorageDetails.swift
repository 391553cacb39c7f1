/// A block device on a SCSI device (libvirt's `<capability type='storage'>`, sysfs `/sys/class/block/sdX`).
public struct StorageDetails: Sendable, Equatable {
    /// The block device node (`/dev/sda`).
    public var block: String?
    /// The model (VDSM's `product`).
    public var model: String?
    /// The vendor.
    public var vendor: String?

    /// Creates storage details.
    public init(block: String?, model: String?, vendor: String?) {
        self.block = block
        self.model = model
        self.vendor = vendor
    }
}

extension HostInventory {
    /// The first child of a device with a capability (`scsi_generic`, `storage`), by name order.
    public func child(of device: HostDevice, capability: String) -> HostDevice? {
        devices.first { $0.parent == device.name && $0.capability == capability }
    }

    /// The `/dev/sgN` of a SCSI device's `scsi_generic` child (VDSM's `udev_path`), which QEMU opens
    /// to pass the device through.
    public func scsiGenericPath(of device: HostDevice) -> String? {
        child(of: device, capability: "scsi_generic")?.genericCharDevice
    }
}

extension HostInventory {
    /// Why a listed device cannot be given to a guest, or `nil` when it can: a capability hostdev
    /// does not assign (`scsi_host`, `net`, …), ``HostDevice/notAssignableReason``, or (as VDSM
    /// refuses it) a SCSI device without the `scsi_generic` node QEMU opens.
    public func assignmentProblem(of device: HostDevice) -> String? {
        if device.hostdevSource == nil {
            return "a \(device.capability) device is not assignable (hostdev assigns PCI, USB and SCSI devices)"
        }
        if let reason = device.notAssignableReason { return reason }
        if device.scsi != nil, scsiGenericPath(of: device) == nil {
            return "it has no scsi_generic child (/dev/sgN) for QEMU to open; load the sg module (modprobe sg)"
        }
        return nil
    }
}
