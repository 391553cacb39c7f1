/// A host device the transform will add to the domain.
struct PlannedDevice: Sendable {
    /// The request it came from (for devices added to complete a group, a synthesized one).
    var request: HostDeviceRequest
    /// The host device it resolved to.
    var device: HostDevice
    /// What the `<hostdev>` takes from the host.
    var source: HostdevSource
    /// Added by `--include-group` to complete an IOMMU group, not asked for.
    var addedForGroup: Int?
}

extension HostDevice {
    /// The hostdev source that names this device, for PCI, USB and SCSI devices.
    var hostdevSource: HostdevSource? {
        if let pci { return .pci(pci.address) }
        if let usb { return .usb(bus: usb.bus, device: usb.device) }
        if let scsi {
            return .scsi(adapter: "scsi_host\(scsi.host)", bus: scsi.bus, target: scsi.target, unit: scsi.unit)
        }
        return nil
    }
}
