#if canImport(Glibc)
    import Glibc
#endif

/// What tells one version of a file from another without reading it: its device and inode, size,
/// and modification and status-change times to the nanosecond.
///
/// A write to the file, a rename over it or a change of its attributes changes at least one of
/// them; the status-change time cannot be set back by anyone but the kernel. A value computed from
/// the file's bytes stays valid while the identity read before the bytes still matches.
public struct FileIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The device and inode numbers.
    public let device: UInt64
    public let inode: UInt64
    /// The size in bytes.
    public let size: Int64
    /// The modification and status-change times, in nanoseconds since the epoch.
    public let modified: Int64
    public let changed: Int64

    /// The identity `fstat` or `stat` reported.
    public init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
    }

    /// Creates an identity from its parts (as ``description`` writes them).
    public init(device: UInt64, inode: UInt64, size: Int64, modified: Int64, changed: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modified = modified
        self.changed = changed
    }

    /// The identity of the file a path names now (following links), or `nil` when it cannot be read.
    public static func of(path: String) -> FileIdentity? {
        var info = stat()
        return stat(path, &info) == 0 ? FileIdentity(info) : nil
    }

    /// The five numbers, separated by spaces.
    public var description: String { "\(device) \(inode) \(size) \(modified) \(changed)" }

    /// Reads ``description``'s form back.
    public init?(_ text: Substring) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 5, let device = UInt64(parts[0]), let inode = UInt64(parts[1]),
            let size = Int64(parts[2]), let modified = Int64(parts[3]), let changed = Int64(parts[4])
        else { return nil }
        self.init(device: device, inode: inode, size: size, modified: modified, changed: changed)
    }
}
