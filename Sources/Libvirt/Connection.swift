internal import CLibvirt

/// A connection to a libvirt driver, closed when released.
///
/// `test:///ABS/PATH.xml` opens libvirt's in-process test driver on a host description,
/// with no daemon. A connection is not `Sendable`: use it from one task at a time.
public final class Connection {
    let pointer: virConnectPtr

    /// Opens a connection.
    /// - Parameters:
    ///   - uri: the libvirt URI; `nil` lets libvirt choose, honouring `LIBVIRT_DEFAULT_URI`.
    ///   - readOnly: open with `virConnectOpenReadOnly`.
    public init(uri: String? = nil, readOnly: Bool = false) throws(LibvirtError) {
        try LibvirtCall.ensureLoaded()
        let opened = readOnly ? hostdev_virConnectOpenReadOnly(uri) : hostdev_virConnectOpen(uri)
        pointer = try LibvirtCall.check(opened, "virConnectOpen(\(uri ?? "default"))")
    }

    deinit { hostdev_virConnectClose(pointer) }

    /// The URI libvirt reports for this connection.
    public var uri: String {
        get throws(LibvirtError) { try LibvirtCall.takeString(hostdev_virConnectGetURI(pointer), "virConnectGetURI") }
    }

    /// The host's capabilities XML.
    public func capabilitiesXML() throws(LibvirtError) -> String {
        try LibvirtCall.takeString(hostdev_virConnectGetCapabilities(pointer), "virConnectGetCapabilities")
    }

    /// Node devices, all of them or those with any of the given capabilities.
    ///
    /// Only capability flags are passed: libvirt 9.0's test driver rejects the active/inactive flags.
    public func nodeDevices(capabilities: NodeDeviceCapabilities = []) throws(LibvirtError) -> [NodeDevice] {
        var list: UnsafeMutablePointer<virNodeDevicePtr?>?
        let count = try LibvirtCall.check(
            hostdev_virConnectListAllNodeDevices(pointer, &list, capabilities.rawValue), "virConnectListAllNodeDevices")
        defer { free(list) }
        return (0..<Int(count)).compactMap { index in
            list?[index].map { NodeDevice(pointer: $0, connection: self) }
        }
    }

    /// Looks a node device up by name (`pci_0000_01_00_0`).
    public func nodeDevice(named name: String) throws(LibvirtError) -> NodeDevice {
        let device = try LibvirtCall.check(
            hostdev_virNodeDeviceLookupByName(pointer, name), "virNodeDeviceLookupByName(\(name))")
        return NodeDevice(pointer: device, connection: self)
    }

    /// All domains, active and inactive, sorted by name (libvirt's own order is not stable).
    public func domains() throws(LibvirtError) -> [Domain] {
        var list: UnsafeMutablePointer<virDomainPtr?>?
        let count = try LibvirtCall.check(
            hostdev_virConnectListAllDomains(pointer, &list, 0), "virConnectListAllDomains")
        defer { free(list) }
        let domains = (0..<Int(count)).compactMap { index in
            list?[index].map { Domain(pointer: $0, connection: self) }
        }
        return domains.sorted { $0.name < $1.name }
    }

    /// Looks a domain up by name.
    public func domain(named name: String) throws(LibvirtError) -> Domain {
        let domain = try LibvirtCall.check(
            hostdev_virDomainLookupByName(pointer, name), "virDomainLookupByName(\(name))")
        return Domain(pointer: domain, connection: self)
    }

    /// Defines (or redefines) a persistent domain.
    /// - Parameters:
    ///   - xml: the domain XML.
    ///   - validate: pass `VIR_DOMAIN_DEFINE_VALIDATE`, so libvirt checks the XML against its schema.
    public func defineDomain(xml: String, validate: Bool = true) throws(LibvirtError) -> Domain {
        let flags = validate ? UInt32(VIR_DOMAIN_DEFINE_VALIDATE.rawValue) : 0
        let domain = try LibvirtCall.check(
            hostdev_virDomainDefineXMLFlags(pointer, xml, flags), "virDomainDefineXMLFlags")
        return Domain(pointer: domain, connection: self)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
