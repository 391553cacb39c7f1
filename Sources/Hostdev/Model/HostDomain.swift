/// A domain defined on the host, with the host devices its XML names.
public struct HostDomain: Sendable, Equatable {
    /// The domain's name.
    public var name: String
    /// The domain's UUID.
    public var uuid: String?
    /// Whether the domain is running (or paused).
    public var isActive: Bool
    /// The host devices its `<hostdev>` elements name as sources.
    public var hostdevSources: [HostdevSource]
    /// The domain's XML, as the source gave it.
    public var xml: String

    /// Creates a domain record.
    public init(name: String, uuid: String?, isActive: Bool, hostdevSources: [HostdevSource], xml: String) {
        self.name = name
        self.uuid = uuid
        self.isActive = isActive
        self.hostdevSources = hostdevSources
        self.xml = xml
    }
}

/// The host side of a `<hostdev>` element: what it takes from the host.
public enum HostdevSource: Hashable, Sendable, CustomStringConvertible {
    /// `type='pci'` with a source address.
    case pci(PCIAddress)
    /// `type='usb'` with a bus and device address.
    case usb(bus: Int, device: Int)
    /// `type='scsi'` with an adapter (`scsi_host0`) and address.
    case scsi(adapter: String, bus: Int, target: Int, unit: Int)

    public var description: String {
        switch self {
        case .pci(let address): address.nodeDeviceName
        case .usb(let bus, let device): "usb bus \(bus) device \(device)"
        case .scsi(let adapter, let bus, let target, let unit): "\(adapter) \(bus):\(target):\(unit)"
        }
    }

    /// Whether this source is the given host device.
    public func matches(_ device: HostDevice) -> Bool {
        switch self {
        case .pci(let address): return device.pci?.address == address
        case .usb(let bus, let number): return device.usb.map { $0.bus == bus && $0.device == number } ?? false
        case .scsi(let adapter, let bus, let target, let unit):
            guard let scsi = device.scsi else { return false }
            return "scsi_host\(scsi.host)" == adapter && scsi.bus == bus && scsi.target == target
                && scsi.unit == unit
        }
    }
}
