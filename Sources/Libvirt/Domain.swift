internal import CLibvirt

/// A libvirt domain (`virDomain`), freed when released.
public final class Domain {
    let pointer: virDomainPtr
    /// Keeps the connection open while the domain is in use.
    public let connection: Connection

    init(pointer: virDomainPtr, connection: Connection) {
        self.pointer = pointer
        self.connection = connection
    }

    deinit { hostdev_virDomainFree(pointer) }

    /// A domain's run state, as `virDomainGetState` reports it.
    public enum State: String, Sendable, Equatable {
        case noState = "nostate", running, blocked, paused, shutdown, shutoff, crashed, suspended = "pmsuspended"
    }

    /// The domain's name.
    public var name: String { String(cString: hostdev_virDomainGetName(pointer)) }

    /// The domain's UUID in its canonical string form.
    public func uuid() throws(LibvirtError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(VIR_UUID_STRING_BUFLEN))
        try LibvirtCall.check(hostdev_virDomainGetUUIDString(pointer, &buffer), "virDomainGetUUIDString")
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Whether the domain is running (or paused).
    public func isActive() throws(LibvirtError) -> Bool {
        try LibvirtCall.check(hostdev_virDomainIsActive(pointer), "virDomainIsActive") == 1
    }

    /// The domain's state.
    public func state() throws(LibvirtError) -> State {
        var state: Int32 = 0
        var reason: Int32 = 0
        try LibvirtCall.check(hostdev_virDomainGetState(pointer, &state, &reason, 0), "virDomainGetState")
        let states: [State] = [.noState, .running, .blocked, .paused, .shutdown, .shutoff, .crashed, .suspended]
        return states.indices.contains(Int(state)) ? states[Int(state)] : .noState
    }

    /// The domain's XML; `inactive` asks for the persistent definition rather than the live one.
    public func xmlDescription(inactive: Bool = false) throws(LibvirtError) -> String {
        let flags = inactive ? UInt32(VIR_DOMAIN_XML_INACTIVE.rawValue) : 0
        return try LibvirtCall.takeString(hostdev_virDomainGetXMLDesc(pointer, flags), "virDomainGetXMLDesc(\(name))")
    }

    /// Removes the persistent definition.
    public func undefine() throws(LibvirtError) {
        try LibvirtCall.check(hostdev_virDomainUndefine(pointer), "virDomainUndefine(\(name))")
    }
}
