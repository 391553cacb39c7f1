#if canImport(Glibc)
    import Glibc
#endif

/// Writes one sysfs attribute (`sriov_numvfs`, an mdev type's `create`, an instance's `remove`)
/// under a root, as `echo VALUE > FILE` does, never leaving the root.
public enum SysfsAttribute {
    /// Why a write failed: the file, and the kernel's answer.
    public struct WriteError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The file, as seen from outside.
        public var path: String
        /// `strerror` of the failure, or what was wrong.
        public var reason: String

        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// A writer: the root, the path relative to it and the value.
    public typealias Writer = @Sendable (_ root: String, _ relative: String, _ value: String) throws(WriteError) -> Void

    /// Writes `value` and a newline to `relative` under `root`; the last component is never followed as a link.
    @Sendable
    public static func write(root: String, relative: String, value: String) throws(WriteError) {
        let tree = SysfsTree(root: root)
        let real: String
        do throws(InventoryError) {
            real = try tree.resolve(relative)
        } catch {
            throw WriteError(path: tree.absolute(relative), reason: error.description)
        }
        let path = tree.absolute(real)
        let descriptor = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let bytes = Array((value + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw WriteError(path: path, reason: String(cString: strerror(errno)))
            }
            written += count
        }
    }

    /// Reads an attribute as a whole number, or `nil` when it does not exist.
    static func integer(root: String, relative: String) throws(InventoryError) -> Int? {
        let tree = SysfsTree(root: root)
        guard let text = try tree.text(relative) else { return nil }
        guard let value = Int(text) else {
            throw InventoryError(.malformed, "\(tree.absolute(relative)) holds '\(text)', not a number")
        }
        return value
    }
}
