#if canImport(Glibc)
    import Glibc
#endif

/// A sysfs-like tree under a root, read without ever leaving it.
///
/// Paths are relative to the root (`sys/bus/pci/devices`). Symbolic links are resolved one component
/// at a time, absolute targets under the root (as in a chroot), with a bound on hops: a loop or a link
/// that climbs above the root is an error naming the path, never a read outside it.
struct SysfsTree {
    /// The root, without a trailing slash (`""` for `/`).
    let root: String
    /// The largest file read.
    static let maxFileBytes = 1 << 20
    /// The most links followed while resolving one path.
    static let maxHops = 40

    init(root: String) {
        var trimmed = root
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed == "/" ? "" : trimmed
    }

    /// The path as seen from outside, for messages.
    func absolute(_ relative: String) -> String { root + "/" + relative }

    /// Resolves every link in `relative`, returning the real path relative to the root.
    func resolve(_ relative: String) throws(InventoryError) -> String {
        var pending = relative.split(separator: "/").map(String.init)
        var resolved: [String] = []
        var hops = 0
        while !pending.isEmpty {
            let part = pending.removeFirst()
            if part == "." || part.isEmpty { continue }
            if part == ".." {
                guard !resolved.isEmpty else {
                    throw InventoryError(.malformed, "\(absolute(relative)) leads outside \(root.isEmpty ? "/" : root)")
                }
                resolved.removeLast()
                continue
            }
            let candidate = (resolved + [part]).joined(separator: "/")
            guard let target = readLink(candidate) else {
                resolved.append(part)
                continue
            }
            hops += 1
            guard hops <= Self.maxHops else {
                throw InventoryError(.malformed, "\(absolute(relative)): too many levels of symbolic links (a loop)")
            }
            let targetParts = target.split(separator: "/").map(String.init)
            if target.hasPrefix("/") { resolved = [] }
            pending = targetParts + pending
        }
        return resolved.joined(separator: "/")
    }

    /// The raw target of a symbolic link, or `nil` when `relative` is not one.
    func readLink(_ relative: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(absolute(relative), &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The last component of a link's resolved target (`iommu_group` → `12`, `driver` → `vfio-pci`).
    func linkName(_ relative: String) throws(InventoryError) -> String? {
        guard readLink(relative) != nil else { return nil }
        let real = try resolve(relative)
        return real.split(separator: "/").last.map(String.init)
    }

    /// Whether something exists at the path (links not followed).
    func exists(_ relative: String) -> Bool {
        var info = stat()
        return lstat(absolute(relative), &info) == 0
    }

    /// Owner, group and mode of a node (links not followed).
    func node(_ relative: String) -> FileNode? {
        var info = stat()
        guard lstat(absolute(relative), &info) == 0 else { return nil }
        return FileNode(uid: info.st_uid, gid: info.st_gid, mode: UInt32(info.st_mode & 0o7777))
    }

    /// The entries of a directory (after resolving links), sorted; empty when it does not exist.
    func list(_ relative: String) throws(InventoryError) -> [String] {
        let real = try resolve(relative)
        guard let directory = opendir(absolute(real)) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// A file's text, trimmed; `nil` when it does not exist; an error when it exists but cannot be read.
    func text(_ relative: String) throws(InventoryError) -> String? {
        try bytes(relative, limit: Self.maxFileBytes).map { String(decoding: $0, as: UTF8.self).trimmed }
    }

    /// A file's first `limit` bytes; `nil` when it does not exist.
    func bytes(_ relative: String, limit: Int) throws(InventoryError) -> [UInt8]? {
        let real = try resolve(relative)
        let path = absolute(real)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw InventoryError(.unreadable, "cannot read \(absolute(relative)): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while bytes.count < limit {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw InventoryError(
                    .unreadable, "cannot read \(absolute(relative)): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return Array(bytes.prefix(limit))
    }

    /// A hexadecimal file (`0x10de`).
    func hexNumber(_ relative: String) throws(InventoryError) -> UInt32? {
        guard let text = try text(relative) else { return nil }
        return PCIAddress.parseNumber(text.hasPrefix("0x") ? text : "0x" + text)
    }
}
