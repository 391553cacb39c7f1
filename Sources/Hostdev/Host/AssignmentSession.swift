import Libvirt

/// Detach and reattach over one read-write libvirt connection, with the host's inventory and the
/// catalogue's guards checked for every device before libvirt is asked to change anything.
public final class AssignmentSession {
    private let connection: Connection
    /// The host, with what it uses read from /sys on a local connection.
    public let inventory: HostInventory
    /// The connection's URI.
    public let uri: String

    /// Opens a session.
    /// - Parameters:
    ///   - uri: the libvirt URI (`nil`: libvirt's default).
    ///   - hostUseRoot: the sysfs root to read the host's use of its devices from, instead of `/` on a
    ///     local connection (and nothing on another). When it cannot be read, host use is unknown and
    ///     detach refuses.
    public init(uri: String?, hostUseRoot: String? = nil) throws(AssignmentError) {
        do throws(LibvirtError) {
            connection = try Connection(uri: uri)
            self.uri = try connection.uri
        } catch {
            throw .host(error.description)
        }
        var loaded: HostInventory
        do throws(InventoryError) {
            loaded = try InventorySource.libvirt(uri: uri).load()
        } catch {
            throw .host(error.description)
        }
        // A local connection's inventory already read /sys; a test root replaces it.
        if let hostUseRoot { loaded = loaded.readingHostUse(fromSysfs: hostUseRoot) }
        inventory = loaded
    }

    /// The host device a name names.
    public func device(_ name: DeviceName) throws(AssignmentError) -> HostDevice {
        guard let device = inventory.device(named: name) else {
            throw .refused([
                Diagnostic(
                    .error, rule: "device-missing", "\(name) is not a device on \(uri)",
                    fixIt: FixIt("see the host's devices", action: .listHostDevices))
            ])
        }
        return device
    }

    /// Detaches devices for assignment (bound to vfio-pci), after checking every one.
    /// - Parameters:
    ///   - force: override the host-use guard, and only it.
    ///   - dryRun: check and say what would happen, change nothing.
    /// - Returns: a line per device, saying what was done (or would be).
    public func detach(_ names: [DeviceName], force: Bool = false, dryRun: Bool = false) throws(AssignmentError)
        -> [String]
    {
        var refused: [Diagnostic] = []
        for name in names {
            refused += DeviceAssignment.refusals(detaching: try device(name), inventory: inventory, force: force)
        }
        guard refused.isEmpty else { throw .refused(refused) }
        var lines: [String] = []
        for name in names {
            if dryRun {
                lines.append("would detach \(name) (bind it to vfio-pci)")
                continue
            }
            try perform("detach \(name)") { () throws(LibvirtError) in
                try DeviceAssignment.detach(name.description, on: connection)
            }
            lines.append("detached \(name) (bound to vfio-pci)")
        }
        return lines
    }

    /// Gives devices back to their host drivers, after checking every one.
    /// - Parameters:
    ///   - reset: reset each device first.
    ///   - force: override the guard on a device's binding (not detached, or unknown), and only it.
    ///   - dryRun: check and say what would happen, change nothing.
    /// - Returns: a line per device, saying what was done (or would be).
    public func reattach(_ names: [DeviceName], reset: Bool = true, force: Bool = false, dryRun: Bool = false)
        throws(AssignmentError) -> [String]
    {
        var refused: [Diagnostic] = []
        for name in names {
            refused += DeviceAssignment.refusals(reattaching: try device(name), inventory: inventory, force: force)
        }
        guard refused.isEmpty else { throw .refused(refused) }
        var lines: [String] = []
        for name in names {
            if dryRun {
                lines.append("would reattach \(name)\(reset ? " (reset first)" : "")")
                continue
            }
            try perform("reattach \(name)") { () throws(LibvirtError) in
                try DeviceAssignment.reattach(name.description, reset: reset, on: connection)
            }
            lines.append("reattached \(name)\(reset ? " (reset first)" : "")")
        }
        return lines
    }

    private func perform(_ what: String, _ body: () throws(LibvirtError) -> Void) throws(AssignmentError) {
        do throws(LibvirtError) {
            try body()
        } catch {
            if error.code == .noSupport {
                throw .host("cannot \(what): the connection \(uri) does not support it (\(error.message))")
            }
            throw .host("cannot \(what): \(error.description)")
        }
    }
}

/// Why detach or reattach did not happen.
public enum AssignmentError: Error, Sendable, Equatable {
    /// Refused before anything changed: the findings of the catalogue's rules.
    case refused([Diagnostic])
    /// The host or libvirt failed.
    case host(String)
}
