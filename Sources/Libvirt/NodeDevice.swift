internal import CLibvirt

/// A host device known to libvirt (`virNodeDevice`), freed when released.
public final class NodeDevice {
    let pointer: virNodeDevicePtr
    /// Keeps the connection open while the device is in use.
    public let connection: Connection

    init(pointer: virNodeDevicePtr, connection: Connection) {
        self.pointer = pointer
        self.connection = connection
    }

    deinit { hostdev_virNodeDeviceFree(pointer) }

    /// The device name (`pci_0000_01_00_0`).
    public var name: String { String(cString: hostdev_virNodeDeviceGetName(pointer)) }

    /// The parent device's name, if any.
    public var parent: String? { hostdev_virNodeDeviceGetParent(pointer).map { String(cString: $0) } }

    /// The capability names libvirt lists for the device (`pci`, `net`, …).
    public func capabilities() throws(LibvirtError) -> [String] {
        let count = try LibvirtCall.check(hostdev_virNodeDeviceNumOfCaps(pointer), "virNodeDeviceNumOfCaps")
        guard count > 0 else { return [] }
        var names = [UnsafeMutablePointer<CChar>?](repeating: nil, count: Int(count))
        let listed = try LibvirtCall.check(
            hostdev_virNodeDeviceListCaps(pointer, &names, count), "virNodeDeviceListCaps")
        return names.prefix(Int(listed)).compactMap { name in
            guard let name else { return nil }
            defer { free(name) }
            return String(cString: name)
        }
    }

    /// The device's XML description.
    public func xmlDescription() throws(LibvirtError) -> String {
        try LibvirtCall.takeString(hostdev_virNodeDeviceGetXMLDesc(pointer, 0), "virNodeDeviceGetXMLDesc(\(name))")
    }

    /// Detaches the device from its host driver and binds it to `driver` (`vfio`).
    public func detach(driver: String = "vfio") throws(LibvirtError) {
        try LibvirtCall.check(
            hostdev_virNodeDeviceDetachFlags(pointer, driver, 0), "virNodeDeviceDetachFlags(\(name), \(driver))")
    }

    /// Resets the device (function-level or secondary bus reset).
    public func reset() throws(LibvirtError) {
        try LibvirtCall.check(hostdev_virNodeDeviceReset(pointer), "virNodeDeviceReset(\(name))")
    }

    /// Gives the device back to its host driver.
    public func reattach() throws(LibvirtError) {
        try LibvirtCall.check(hostdev_virNodeDeviceReAttach(pointer), "virNodeDeviceReAttach(\(name))")
    }
}

#if canImport(Glibc)
    import Glibc
#endif
