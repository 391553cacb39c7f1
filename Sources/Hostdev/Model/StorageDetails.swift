/// A block device (libvirt's `<capability type='storage'>`, sysfs `/sys/class/block/X`).
public struct StorageDetails: Sendable, Equatable {
    /// The block device node (`/dev/sda`).
    public var block: String?
    /// The model (VDSM's `product`).
    public var model: String?
    /// The vendor.
    public var vendor: String?
    /// The drive type: `disk`, `cdrom`, `floppy` or `sd`.
    public var driveType: String?
    /// udev's `ID_SERIAL`, which libvirt appends to the name (`block_sda_SERIAL`).
    public var serial: String?
    /// udev's `ID_BUS` (`scsi`, `ata`, `usb`).
    public var bus: String?
    /// The size in bytes (`num_blocks × logical_block_size`, as libvirt computes it).
    public var size: UInt64?
    /// The logical block size in bytes.
    public var logicalBlockSize: UInt64?
    /// The number of blocks (sysfs `size`).
    public var numBlocks: UInt64?
    /// For removable media: whether a medium is in, and its size.
    public var removable: RemovableMedia?

    /// A removable drive's medium (libvirt's `<capability type='removable'>`).
    public struct RemovableMedia: Sendable, Equatable {
        /// A medium is in the drive.
        public var available: Bool
        /// The medium's size in bytes.
        public var size: UInt64

        /// Creates a removable-media record.
        public init(available: Bool, size: UInt64) {
            self.available = available
            self.size = size
        }
    }

    /// Creates storage details.
    public init(
        block: String?, model: String?, vendor: String?, driveType: String? = nil, serial: String? = nil,
        bus: String? = nil, size: UInt64? = nil, logicalBlockSize: UInt64? = nil, numBlocks: UInt64? = nil,
        removable: RemovableMedia? = nil
    ) {
        self.block = block
        self.model = model
        self.vendor = vendor
        self.driveType = driveType
        self.serial = serial
        self.bus = bus
        self.size = size
        self.logicalBlockSize = logicalBlockSize
        self.numBlocks = numBlocks
        self.removable = removable
    }
}

extension HostInventory {
    /// The first child of a device with a capability (`scsi_generic`, `storage`), by name order.
    public func child(of device: HostDevice, capability: String) -> HostDevice? {
        children(of: device.name).first { $0.capability == capability }
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
