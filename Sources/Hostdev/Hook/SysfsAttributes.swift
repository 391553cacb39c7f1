#if canImport(Glibc)
    import Glibc
#endif

/// Writes one sysfs attribute, as `echo VALUE > FILE` does: the kernel acts on the write (binds,
/// unbinds, resets) and answers with its result. The hook's only way of changing the host.
public protocol SysfsAttributeWriter: Sendable {
    /// Writes `value` to the attribute at `relative` (`sys/bus/pci/drivers_probe`) under the root.
    func write(_ value: String, to relative: String) throws(HookFailure)
}

/// Why the hook could not change the host as it meant to.
public struct HookFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reason, naming the file or device.
    public var reason: String

    /// Creates a failure.
    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}

/// The attributes of a sysfs tree under a root (`/` for this host), written in place: an attribute
/// that does not exist is an error (never created); links are resolved without leaving the root,
/// and the attribute is opened from its directory, each component opened without following a link,
/// so a link planted or swapped in meanwhile is an error, never a write elsewhere. Only a regular
/// file is written (never a FIFO or a device node put in an attribute's place).
public struct SysfsAttributeFiles: SysfsAttributeWriter {
    /// The root of the tree.
    public let root: String

    /// Writes under `root`.
    public init(root: String) { self.root = root }

    public func write(_ value: String, to relative: String) throws(HookFailure) {
        let tree = SysfsTree(root: root)
        let opened: Int32?
        do throws(InventoryError) {
            opened = try tree.openWithinRoot(relative, flags: O_WRONLY | O_NONBLOCK)
        } catch {
            throw HookFailure(error.description)
        }
        guard let descriptor = opened else {
            throw HookFailure("cannot open \(tree.absolute(relative)): \(String(cString: strerror(ENOENT)))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw HookFailure("\(tree.absolute(relative)) is not a regular file: nothing was written to it")
        }
        // What `echo VALUE > FILE` truncates (sysfs itself ignores it).
        guard ftruncate(descriptor, 0) == 0 else {
            throw HookFailure("cannot truncate \(tree.absolute(relative)): \(String(cString: strerror(errno)))")
        }
        let bytes = Array(value.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            let reason = written < 0 ? String(cString: strerror(errno)) : "short write"
            throw HookFailure("writing '\(value.trimmed)' to \(tree.absolute(relative)): \(reason)")
        }
    }
}
