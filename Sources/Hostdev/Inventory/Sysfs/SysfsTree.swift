#if canImport(Glibc)
    import Glibc
#endif

/// A sysfs-like tree under a root, read without ever leaving it.
///
/// Paths are relative to the root (`sys/bus/pci/devices`). Symbolic links (the kernel's `device`,
/// `driver`, `iommu_group`, `physfn` and the `/sys/bus` and `/sys/class` entries) are resolved by
/// the tree itself, one component at a time, absolute targets under the root (as in a chroot), with a
/// bound on hops: a loop or a link that climbs above the root is an error naming the path.
///
/// Files are then opened relative to a descriptor of the root, directory by directory, each
/// component with `O_NOFOLLOW`: a component swapped for a link after it was resolved is an error,
/// never a read outside the root. The last directory descriptors used are kept open, so reading
/// one device's attributes walks to its directory once; the links of directories are remembered, so
/// each is read once.
///
/// A tree may be read from several threads at once: what it remembers and the directories it
/// keeps open are guarded by one lock, a kept directory is closed only once no reader holds it
/// (``KeptDirectory``), and every read has its own buffer.
final class SysfsTree: @unchecked Sendable {
    /// The root, without a trailing slash (`""` for `/`).
    let root: String
    /// The largest file read whole.
    static let maxFileBytes = 1 << 20
    /// The most links followed while resolving one path.
    static let maxHops = 40

    /// The root, or `nil` when it cannot be opened (then nothing exists under it).
    private let rootDirectory: KeptDirectory?
    /// The directories kept open, by real path, with when each was last used.
    private var open: [String: (directory: KeptDirectory, used: Int)] = [:]
    /// Counts uses of ``open``, to close the least recently used.
    private var clock = 0
    /// The size of the buffer of a read of a link or a small file.
    static let scratchBytes = 4096
    /// The size of the buffer of a listing of a ``SysfsDirectory``.
    static let entryBufferBytes = 32768
    /// Link targets of directories by real path (`nil`: not a link), each read once.
    private var links: [String: String?] = [:]
    /// Guards every cache and the kept directories, held only to look up and to remember;
    /// recursive, so a step that resolves while holding it cannot wait on itself.
    private let lock = Lock(recursive: true)

    init(root: String) {
        var trimmed = root
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed == "/" ? "" : trimmed
        let rootDescriptor = Glibc.open(trimmed, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        rootDirectory = rootDescriptor >= 0 ? KeptDirectory(rootDescriptor) : nil
    }

    /// Runs `body` holding the tree's lock (taken again by the same thread without waiting).
    func locked<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        try lock.withLock(body)
    }

    /// The path as seen from outside, for messages.
    func absolute(_ relative: String) -> String { root + "/" + relative }

    func failure(_ relative: String, _ code: Int32) -> InventoryError {
        InventoryError(.unreadable, "cannot read \(absolute(relative)): \(String(cString: strerror(code)))")
    }

    // MARK: Resolving links

    /// Real directories by the path they were asked for, each resolved once, with the links
    /// followed to resolve it: a path that uses a remembered directory counts those links again, so
    /// whether it has too many does not depend on what was resolved before (or on another thread).
    private var realDirectories: [String: (real: String, hops: Int)] = ["": ("", 0)]

    /// Splits at the last `/`: `("sys/bus", "pci")`, `("", "sys")`.
    static func splitLast(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.isEmpty ? name : directory + "/" + name
    }

    /// Resolves every link in the directory `relative`, returning its real path relative to the
    /// root; the links on the way are remembered, as for the directories of every path read.
    func resolveDirectory(_ relative: String) throws(InventoryError) -> String {
        var hops = 0
        return try realDirectory(relative, hops: &hops, asked: relative)
    }

    /// ``resolveDirectory(_:)`` of a link (`sys/bus/pci/devices/0000:01:00.0`), without asking
    /// whether the last component of where it leads is itself a link: the caller opens it with
    /// ``openDirectory(_:real:lastAsked:)`` not asked, which tells (and then remembers the answer).
    func resolveLinkedDirectory(_ relative: String) throws(InventoryError) -> String {
        var hops = 0
        let (directory, name) = Self.splitLast(relative)
        let real = try realDirectory(directory, hops: &hops, asked: relative)
        guard !name.isEmpty, name != ".", name != "..",
            let target = try linkTarget(Self.join(real, name), remember: true)
        else { return try resolveDirectory(relative) }
        return try linkedDirectory(target: target, in: real, asked: relative)
    }

    /// ``resolveLinkedDirectory(_:)`` of the link `asked`, in the real `directory`, given its `target`.
    func linkedDirectory(target: String, in directory: String, asked: String) throws(InventoryError) -> String {
        let path =
            target.utf8.first == UInt8(ascii: "/") ? target : try joinTarget(directory, target, asked: asked)
        let (targetDirectory, targetName) = Self.splitLast(path)
        guard !targetName.isEmpty, targetName != ".", targetName != ".." else { return try resolveDirectory(asked) }
        var hops = 1
        return Self.join(try realDirectory(targetDirectory, hops: &hops, asked: asked), targetName)
    }

    /// Remembers that the real path is no link: a directory opened there with `O_NOFOLLOW`.
    func rememberDirectory(_ real: String) { locked { links[real] = .some(nil) } }

    /// Resolves every link in `relative`, returning the real path relative to the root.
    func resolve(_ relative: String) throws(InventoryError) -> String {
        var hops = 0
        return try resolve(relative, following: true, hops: &hops, asked: relative)
    }

    /// Resolves the links of `relative`, all but the last component's unless `following`.
    private func resolve(
        _ relative: String, following: Bool, hops: inout Int, asked: String, remember: Bool = false
    ) throws(InventoryError) -> String {
        let (directory, name) = Self.splitLast(relative)
        let real = try realDirectory(directory, hops: &hops, asked: asked)
        if name.isEmpty || name == "." { return real }
        if name == ".." {
            guard !real.isEmpty else { throw outside(asked) }
            return Self.splitLast(real).directory
        }
        let candidate = Self.join(real, name)
        guard following, let target = try linkTarget(candidate, remember: remember) else { return candidate }
        hops += 1
        guard hops <= Self.maxHops else { throw loop(asked) }
        return try resolve(
            target.hasPrefix("/") ? target : joinTarget(real, target, asked: asked), following: true, hops: &hops,
            asked: asked, remember: remember)
    }

    /// A relative link target joined to the real directory holding the link, its leading `../` taken
    /// from that directory (which has no link in it, so `..` is its parent, as resolving finds it).
    private func joinTarget(_ real: String, _ target: String, asked: @autoclosure () -> String)
        throws(InventoryError) -> String
    {
        let (base, rest) = try climb(real, target, asked: asked())
        return base.isEmpty ? String(rest) : base + "/" + rest
    }

    /// `target` split into the directory its leading `../` climb to from `real` and the rest.
    private func climb(_ real: String, _ target: String, asked: @autoclosure () -> String)
        throws(InventoryError) -> (base: Substring, rest: Substring)
    {
        var target = target
        let climbs = target.withUTF8 { bytes in
            var count = 0
            while bytes.count >= 3 * count + 3, bytes[3 * count] == UInt8(ascii: "."),
                bytes[3 * count + 1] == UInt8(ascii: "."), bytes[3 * count + 2] == UInt8(ascii: "/")
            {
                count += 1
            }
            return count
        }
        var end = real.utf8.endIndex
        for _ in 0..<climbs {
            guard end > real.utf8.startIndex else { throw outside(asked()) }
            end = real.utf8[..<end].lastIndex(of: UInt8(ascii: "/")) ?? real.utf8.startIndex
        }
        return (real[..<end], target[target.utf8.index(target.startIndex, offsetBy: 3 * climbs)...])
    }

    /// The real path of a directory, every link in it followed; remembered with the number of links
    /// followed, which is added to `hops` whether it was remembered or not.
    ///
    /// The lock is held only to look up and to remember, so another thread is not kept waiting
    /// while this one reads links; two threads may resolve the same path, to the same real path.
    func realDirectory(_ directory: String, hops: inout Int, asked: String) throws(InventoryError) -> String {
        if let known = locked({ realDirectories[directory] }) {
            hops += known.hops
            guard hops <= Self.maxHops else { throw loop(asked) }
            return known.real
        }
        // Counted on from the links already followed, so that a directory whose resolution needs
        // itself (`a` -> `a/b`) stops at the bound.
        let before = hops
        let real: String
        if directory.utf8.first == UInt8(ascii: "/") {
            var trimmed = Substring(directory)
            while trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
            real = try realDirectory(String(trimmed), hops: &hops, asked: asked)
        } else {
            real = try resolve(directory, following: true, hops: &hops, asked: asked, remember: true)
        }
        locked { realDirectories[directory] = (real, hops - before) }
        return real
    }

    private func outside(_ relative: String) -> InventoryError {
        InventoryError(.malformed, "\(absolute(relative)) leads outside \(root.isEmpty ? "/" : root)")
    }

    private func loop(_ relative: String) -> InventoryError {
        InventoryError(.malformed, "\(absolute(relative)): too many levels of symbolic links (a loop)")
    }

    /// The target of a link at a real path (whose directories hold no link); `nil` when it is not a
    /// link or does not exist. Remembered for the directories of paths (`remember`), which the kernel
    /// never re-points; read afresh for a last component (`driver` changes when a device is bound).
    private func linkTarget(_ real: String, remember: Bool = false) throws(InventoryError) -> String? {
        if let known = locked({ links[real] }) { return known }
        let (directory, name) = Self.splitLast(real)
        var target: String?
        if let parent = try self.directory(directory, for: real) {
            target = parent.use { descriptor in linkTarget(in: descriptor, name) }
        }
        if remember { locked { links[real] = .some(target) } }
        return target
    }

    /// The target of the link `name` in an open directory; `nil` when it is not a link or does not exist.
    func linkTarget(in descriptor: Int32, _ name: String) -> String? {
        withUnsafeTemporaryAllocation(byteCount: Self.scratchBytes, alignment: 16) { scratch in
            let count = readlinkat(
                descriptor, name, scratch.baseAddress!.assumingMemoryBound(to: CChar.self), scratch.count - 1)
            guard count > 0 else { return nil }
            return String(decoding: UnsafeRawBufferPointer(rebasing: scratch[0..<count]), as: UTF8.self)
        }
    }

    /// The real path a link in the real `directory` leads to, given its `target` as read (what
    /// ``resolve(_:)`` gives for the link, without reading it again). Leading `..` are taken from
    /// the directory, which has no link in it; the rest is resolved as any path is. The directories
    /// and the target's last component are remembered.
    func resolve(target: String, in directory: String, asked: @autoclosure () -> String) throws(InventoryError)
        -> String
    {
        let absolute = target.utf8.first == UInt8(ascii: "/")
        let key =
            absolute ? TargetKey(base: "/", rest: target[...]) : try TargetKey(climb(directory, target, asked: asked()))
        // What every link, directory and last component on the way resolves to is remembered, so
        // the result is too (the same `iommu_group` or `driver` for many devices).
        if let known = locked({ resolvedTargets[key] }) { return known }
        let path = absolute ? target : key.base.isEmpty ? String(key.rest) : key.base + "/" + key.rest
        var hops = 1
        let real = try resolve(path, following: true, hops: &hops, asked: asked(), remember: true)
        locked { resolvedTargets[key] = real }
        return real
    }

    /// A link target as the directory it climbs to (`/` for an absolute one) and the rest: the
    /// path it names, without building it.
    private struct TargetKey: Hashable {
        let base: Substring
        let rest: Substring

        init(base: Substring, rest: Substring) {
            self.base = base
            self.rest = rest
        }

        init(_ split: (base: Substring, rest: Substring)) { self.init(base: split.base, rest: split.rest) }
    }

    /// The last component of where a link in the real `directory` leads, given its `target`.
    func linkName(target: String, in directory: String, asked: @autoclosure () -> String) throws(InventoryError)
        -> String
    {
        Self.splitLast(try resolve(target: target, in: directory, asked: asked())).name
    }

    /// Real paths of link targets resolved by ``resolve(target:in:asked:)``, by the path they name.
    private var resolvedTargets: [TargetKey: String] = [:]

    /// The raw target of a symbolic link, or `nil` when `relative` is not one.
    func readLink(_ relative: String) throws(InventoryError) -> String? {
        var hops = 0
        return try linkTarget(resolve(relative, following: false, hops: &hops, asked: relative))
    }

    /// The last component of a link's resolved target (`iommu_group` → `12`, `driver` → `vfio-pci`).
    func linkName(_ relative: String) throws(InventoryError) -> String? {
        guard try readLink(relative) != nil else { return nil }
        return Self.splitLast(try resolve(relative)).name
    }

    // MARK: Opening without following

    /// The most directory descriptors kept open.
    static let maxOpenDirectories = 64

    /// The real directory `real`, opened from the root (or from its nearest open ancestor) one
    /// component at a time without following links; `nil` when it does not exist. The last
    /// directories used stay open, so siblings and parents cost nothing; one the tree lets go is
    /// closed once its last reader is done with it.
    func directory(_ real: String, for relative: String) throws(InventoryError) -> KeptDirectory? {
        try locked { () throws(InventoryError) in try unlockedDirectory(real, for: relative) }
    }

    /// ``directory(_:for:)``, the lock held.
    private func unlockedDirectory(_ real: String, for relative: String) throws(InventoryError) -> KeptDirectory? {
        guard let rootDirectory else { return nil }
        if real.isEmpty { return rootDirectory }
        clock += 1
        if let index = open.index(forKey: real) {
            open.values[index].used = clock
            return open.values[index].directory
        }
        var ancestor = real
        var parent = rootDirectory
        var missing: [String] = []
        while !ancestor.isEmpty {
            if let index = open.index(forKey: ancestor) {
                open.values[index].used = clock
                parent = open.values[index].directory
                break
            }
            let (up, name) = Self.splitLast(ancestor)
            missing.append(name)
            ancestor = up
        }
        for name in missing.reversed() {
            let descriptor = openat(parent.descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else {
                let code = errno
                if code == ENOENT || code == ENOTDIR { return nil }
                if code == ELOOP { throw changed(relative) }
                throw failure(relative, code)
            }
            ancestor = Self.join(ancestor, name)
            parent = KeptDirectory(descriptor)
            open[ancestor] = (parent, clock)
        }
        while open.count > Self.maxOpenDirectories, let oldest = open.min(by: { $0.value.used < $1.value.used }) {
            open[oldest.key] = nil
        }
        return parent
    }

    func changed(_ relative: String) -> InventoryError {
        InventoryError(
            .unreadable,
            "\(absolute(relative)) changed into a symbolic link while it was read; nothing outside it was read")
    }

    /// Opens the file at `relative` for reading, never following a link the resolution did not;
    /// `nil` when it does not exist.
    func openFile(_ relative: String) throws(InventoryError) -> Int32? {
        try openWithinRoot(relative, flags: O_RDONLY | O_NONBLOCK)
    }

    /// Opens the file at `relative` with `flags` (`O_NOFOLLOW` and `O_CLOEXEC` added) from its
    /// directory opened without following links, and, when the last component is a link, what it
    /// names within the root; `nil` when it does not exist.
    func openWithinRoot(_ relative: String, flags: Int32) throws(InventoryError) -> Int32? {
        var hops = 0
        var real = try resolve(relative, following: false, hops: &hops, asked: relative)
        for attempt in 0..<2 {
            let (directory, name) = Self.splitLast(real)
            guard let parent = try self.directory(directory, for: relative) else { return nil }
            let (descriptor, code) = parent.use { parent in
                let descriptor = openat(parent, name, flags | O_NOFOLLOW | O_CLOEXEC)
                return (descriptor, descriptor >= 0 ? 0 : errno)
            }
            if descriptor >= 0 { return descriptor }
            if code == ENOENT || code == ENOTDIR { return nil }
            guard code == ELOOP else { throw failure(relative, code) }
            // The last component is a link: resolve it within the root, then open what it names.
            guard attempt == 0 else { throw changed(relative) }
            real = try resolve(relative)
        }
        throw changed(relative)
    }

    /// `fstatat` of the last component, not following it; `nil` when it does not exist, an error
    /// when that cannot be told (a loop, a way out of the root, a directory that cannot be read).
    private func checkedStatus(_ relative: String) throws(InventoryError) -> stat? {
        var hops = 0
        let real = try resolve(relative, following: false, hops: &hops, asked: relative)
        let (directory, name) = Self.splitLast(real)
        guard let parent = try self.directory(directory, for: relative) else { return nil }
        var info = stat()
        let code = parent.use { parent in fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : errno }
        if code == 0 { return info }
        if code == ENOENT || code == ENOTDIR { return nil }
        throw failure(relative, code)
    }

    /// `fstatat` of the last component, for evidence shown as it is: what cannot be read reads as absent.
    private func status(_ relative: String) -> stat? {
        do {
            return try checkedStatus(relative)
        } catch {
            return nil
        }
    }

    // MARK: Reading

    /// Whether something exists at the path (the last component not followed), for evidence that is
    /// shown as it is; a safety decision uses ``presence(_:)``.
    func exists(_ relative: String) -> Bool { status(relative) != nil }

    /// Whether something exists at the path, or an error when that cannot be told.
    func presence(_ relative: String) throws(InventoryError) -> Bool { try checkedStatus(relative) != nil }

    /// Owner, group and mode of a node (the last component not followed).
    func node(_ relative: String) -> FileNode? {
        status(relative).map { FileNode(uid: $0.st_uid, gid: $0.st_gid, mode: UInt32($0.st_mode & 0o7777)) }
    }

    /// The entries of a directory (after resolving links), sorted; empty when it does not exist.
    func list(_ relative: String) throws(InventoryError) -> [String] {
        var hops = 0
        let real = try realDirectory(relative, hops: &hops, asked: relative)
        guard let parent = try self.directory(real, for: relative) else { return [] }
        let (descriptor, code) = parent.use { parent in
            let descriptor = openat(parent, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            return (descriptor, descriptor >= 0 ? 0 : errno)
        }
        guard descriptor >= 0 else { throw failure(relative, code) }
        guard let directory = fdopendir(descriptor) else {
            let code = errno
            close(descriptor)
            if code == ENOTDIR { return [] }
            throw failure(relative, code)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = directoryEntryName(entry)
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// A file's text, trimmed; `nil` when it does not exist; an error when it exists but cannot be read.
    func text(_ relative: String) throws(InventoryError) -> String? {
        guard let descriptor = try openFile(relative) else { return nil }
        defer { close(descriptor) }
        return try text(of: descriptor, relative)
    }

    /// The text of an open file, trimmed, read into a buffer of ``scratchBytes`` (a file larger
    /// than it is read in chunks, its first ``maxFileBytes`` kept). For a sysfs `attribute`, which
    /// the kernel gives whole in the first read (a page at most), a read shorter than asked is its end.
    func text(of descriptor: Int32, _ relative: String, attribute: Bool = false) throws(InventoryError) -> String {
        try withUnsafeTemporaryAllocation(byteCount: Self.scratchBytes, alignment: 16) {
            scratch throws(InventoryError) in
            var count = 0
            while count < scratch.count {
                let read = Glibc.read(descriptor, scratch.baseAddress! + count, scratch.count - count)
                if read < 0 {
                    if errno == EINTR { continue }
                    throw failure(relative, errno)
                }
                count += read
                if read == 0 || (attribute && count < scratch.count) {
                    // `X\n`, X printable at both ends, is X trimmed: drop the newline before decoding.
                    var end = count
                    if end > 1 && scratch[end - 1] == UInt8(ascii: "\n") && (0x21...0x7e).contains(scratch[end - 2]) {
                        end -= 1
                    }
                    return String(decoding: UnsafeRawBufferPointer(rebasing: scratch[0..<end]), as: UTF8.self).trimmed
                }
            }
            var bytes = Array(scratch)
            _ = try read(descriptor, relative, chunk: 4096) { chunk throws(InventoryError) in
                bytes.append(contentsOf: chunk.prefix(Self.maxFileBytes - bytes.count))
                return bytes.count < Self.maxFileBytes
            }
            return String(decoding: bytes, as: UTF8.self).trimmed
        }
    }

    /// A file's first `limit` bytes; `nil` when it does not exist.
    func bytes(_ relative: String, limit: Int) throws(InventoryError) -> [UInt8]? {
        var bytes: [UInt8] = []
        let found = try read(relative, chunk: min(limit, 4096)) { chunk throws(InventoryError) in
            bytes.append(contentsOf: chunk.prefix(limit - bytes.count))
            return bytes.count < limit
        }
        return found ? bytes : nil
    }

    /// Reads a file in chunks of at most `chunk` bytes until its end or until `body` returns false;
    /// false when the file does not exist.
    func read(_ relative: String, chunk: Int, _ body: (ArraySlice<UInt8>) throws(InventoryError) -> Bool)
        throws(InventoryError) -> Bool
    {
        guard let descriptor = try openFile(relative) else { return false }
        defer { close(descriptor) }
        return try read(descriptor, relative, chunk: chunk, body)
    }

    /// Reads an open file in chunks of at most `chunk` bytes until its end or until `body` returns false.
    func read(
        _ descriptor: Int32, _ relative: String, chunk: Int, _ body: (ArraySlice<UInt8>) throws(InventoryError) -> Bool
    ) throws(InventoryError) -> Bool {
        var buffer = [UInt8](repeating: 0, count: max(chunk, 1))
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(relative, errno)
            }
            if count == 0 { return true }
            guard try body(buffer[0..<count]) else { return true }
        }
    }

    /// A file's lines, read as a stream; more than `limit` bytes is an error naming the file.
    func forEachLine(_ relative: String, limit: Int, _ body: (Substring) -> Void) throws(InventoryError) -> Bool {
        var total = 0
        var pending: [UInt8] = []
        let found = try read(relative, chunk: 1 << 16) { chunk throws(InventoryError) in
            total += chunk.count
            guard total <= limit else {
                throw InventoryError(.malformed, "\(absolute(relative)) is larger than \(limit >> 20) MiB")
            }
            var start = chunk.startIndex
            while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
                pending.append(contentsOf: chunk[start..<newline])
                body(Substring(String(decoding: pending, as: UTF8.self)))
                pending.removeAll(keepingCapacity: true)
                start = newline + 1
            }
            pending.append(contentsOf: chunk[start...])
            return true
        }
        if !pending.isEmpty { body(Substring(String(decoding: pending, as: UTF8.self))) }
        return found
    }

    /// A hexadecimal file (`0x10de`).
    func hexNumber(_ relative: String) throws(InventoryError) -> UInt32? {
        guard let text = try text(relative) else { return nil }
        return PCIAddress.parseNumber(text.hasPrefix("0x") ? text : "0x" + text)
    }
}

/// A directory descriptor a ``SysfsTree`` keeps open: closed when neither the tree nor a reader
/// holds it any longer, so a reader's descriptor is never closed (and its number never reused)
/// under it.
final class KeptDirectory: Sendable {
    let descriptor: Int32

    init(_ descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// Runs `body` with the descriptor, kept open until it returns.
    func use<Result, Failure: Error>(_ body: (Int32) throws(Failure) -> Result) throws(Failure) -> Result {
        try withExtendedLifetime(self) { () throws(Failure) in try body(descriptor) }
    }
}
