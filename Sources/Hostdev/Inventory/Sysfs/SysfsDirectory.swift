internal import CXattr

#if canImport(Glibc)
    import Glibc
#endif

/// A directory of a ``SysfsTree`` opened once, its files and links then read relative to it: a
/// device's attributes cost one `openat` each (with `O_NOFOLLOW`), its links one `readlinkat`, its
/// entries one pass of `getdents`.
///
/// It is opened as the tree opens any directory, component by component from the root without
/// following links, so a component swapped for a link is an error, never a read outside the root.
/// A file or subdirectory that is itself a link (never one in the kernel's own attributes) is left
/// to the tree, which resolves it within the root; so is a name with a `/`. What it reads is what
/// the tree reads at `relative` + `/` + the name, with the same errors naming that path.
final class SysfsDirectory {
    let tree: SysfsTree
    /// The path as asked (`sys/bus/pci/devices/0000:01:00.0`), for messages.
    let relative: String
    /// The real path, every link resolved (`sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0`).
    let real: String
    /// The open directory, or -1 when it does not exist (then nothing exists under it).
    private let descriptor: Int32
    /// The entries, once listed.
    private var entries: [String]?

    private init(tree: SysfsTree, relative: String, real: String, descriptor: Int32) {
        self.tree = tree
        self.relative = relative
        self.real = real
        self.descriptor = descriptor
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Opens the directory at `relative`, whose real path is `real` when already resolved; `nil`
    /// when its last component was not asked (`lastAsked` false) and is a link.
    static func open(_ relative: String, real known: String?, lastAsked: Bool = true, in tree: SysfsTree)
        throws(InventoryError) -> SysfsDirectory?
    {
        var real = ""
        if let known {
            real = known
        } else {
            var hops = 0
            real = try tree.realDirectory(relative, hops: &hops, asked: relative)
        }
        let (directory, name) = SysfsTree.splitLast(real)
        guard let parent = try tree.directory(directory, for: relative) else {
            return SysfsDirectory(tree: tree, relative: relative, real: real, descriptor: -1)
        }
        let (descriptor, code) = parent.use { parent in
            let descriptor = openat(
                parent, name.isEmpty ? "." : name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            return (descriptor, descriptor >= 0 ? 0 : errno)
        }
        guard descriptor >= 0 else {
            // A link opened with O_DIRECTORY and O_NOFOLLOW fails with ENOTDIR (ELOOP without O_DIRECTORY).
            if !lastAsked && (code == ELOOP || code == ENOTDIR) { return nil }
            if code == ENOENT || code == ENOTDIR {
                return SysfsDirectory(tree: tree, relative: relative, real: real, descriptor: -1)
            }
            if code == ELOOP { throw tree.changed(relative) }
            throw tree.failure(relative, code)
        }
        if !lastAsked { tree.rememberDirectory(real) }
        return SysfsDirectory(tree: tree, relative: relative, real: real, descriptor: descriptor)
    }

    /// The path of an entry as asked.
    func path(_ name: String) -> String { relative + "/" + name }

    /// Whether the tree is to read `name` itself: a path, not an entry's name.
    private static func isPath(_ name: String) -> Bool {
        name.utf8.contains(UInt8(ascii: "/")) || name == "." || name == ".." || name.isEmpty
    }

    /// Whether `name` is known to be absent: the directory does not exist, or it was listed
    /// without that entry (what is read is then the directory as it was listed).
    private func isAbsent(_ name: String) -> Bool {
        guard descriptor >= 0 else { return true }
        guard let entries else { return false }
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle] < name { low = middle + 1 } else { high = middle }
        }
        return low == entries.count || entries[low] != name
    }

    /// Opens the file `name` for reading; `nil` when it does not exist.
    private func openFile(_ name: String) throws(InventoryError) -> Int32? {
        guard !Self.isPath(name) else { return try tree.openFile(path(name)) }
        guard !isAbsent(name) else { return nil }
        let file = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        if file >= 0 { return file }
        let code = errno
        if code == ENOENT || code == ENOTDIR { return nil }
        // A link: the tree resolves it within the root.
        guard code == ELOOP else { throw tree.failure(path(name), code) }
        return try tree.openFile(path(name))
    }

    /// A file's text, trimmed; `nil` when it does not exist; an error when it exists but cannot be read.
    func text(_ name: String) throws(InventoryError) -> String? {
        guard let file = try openFile(name) else { return nil }
        defer { close(file) }
        return try tree.text(of: file, path(name), attribute: true)
    }

    /// A file's first `limit` bytes; `nil` when it does not exist.
    func bytes(_ name: String, limit: Int) throws(InventoryError) -> [UInt8]? {
        guard let file = try openFile(name) else { return nil }
        defer { close(file) }
        var bytes: [UInt8] = []
        _ = try tree.read(file, path(name), chunk: min(limit, 4096)) { chunk throws(InventoryError) in
            bytes.append(contentsOf: chunk.prefix(limit - bytes.count))
            return bytes.count < limit
        }
        return bytes
    }

    /// A hexadecimal file (`0x10de`).
    func hexNumber(_ name: String) throws(InventoryError) -> UInt32? {
        guard let text = try text(name) else { return nil }
        return PCIAddress.parseNumber(text.hasPrefix("0x") ? text : "0x" + text)
    }

    /// The last component of a link's resolved target (`iommu_group` → `12`, `driver` → `vfio-pci`);
    /// `nil` when `name` is not a link.
    func linkName(_ name: String) throws(InventoryError) -> String? {
        guard !Self.isPath(name) else { return try tree.linkName(path(name)) }
        guard let target = try linkTarget(name) else { return nil }
        return try tree.linkName(target: target, in: real, asked: path(name))
    }

    /// The raw target of the link `name`, or `nil` when it is not one.
    func linkTarget(_ name: String) throws(InventoryError) -> String? {
        guard !Self.isPath(name) else { return try tree.readLink(path(name)) }
        guard !isAbsent(name) else { return nil }
        return tree.linkTarget(in: descriptor, name)
    }

    /// ``SysfsTree/resolveLinkedDirectory(_:)`` of the entry `name`: the real path of the directory
    /// it leads to when it is a link, its last component not asked.
    func linkedDirectory(_ name: String) throws(InventoryError) -> String {
        guard !Self.isPath(name), let target = try linkTarget(name) else {
            return try tree.resolveLinkedDirectory(path(name))
        }
        return try tree.linkedDirectory(target: target, in: real, asked: path(name))
    }

    /// The subdirectory `name` (or, when it is a link, the directory it leads to within the root).
    func directory(_ name: String) throws(InventoryError) -> SysfsDirectory {
        guard !Self.isPath(name) else { return try tree.openDirectory(path(name)) }
        let real = SysfsTree.join(self.real, name)
        guard !isAbsent(name) else {
            return SysfsDirectory(tree: tree, relative: path(name), real: real, descriptor: -1)
        }
        let opened = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if opened >= 0 { return SysfsDirectory(tree: tree, relative: path(name), real: real, descriptor: opened) }
        let code = errno
        if code == ENOENT || code == ENOTDIR {
            return SysfsDirectory(tree: tree, relative: path(name), real: real, descriptor: -1)
        }
        // A link: the tree resolves it within the root and opens what it names.
        guard code == ELOOP else { throw tree.failure(path(name), code) }
        return try tree.openDirectory(path(name))
    }

    /// The entries (`.` and `..` left out), sorted; empty when the directory does not exist. Once
    /// listed, a name that was not there reads as absent without asking the kernel again.
    func list() throws(InventoryError) -> [String] {
        if let entries { return entries }
        var names: [String] = []
        if descriptor >= 0 {
            try withUnsafeTemporaryAllocation(byteCount: SysfsTree.entryBufferBytes, alignment: 16) {
                buffer throws(InventoryError) in
                try list(into: &names, buffer)
            }
        }
        names.sort()
        entries = names
        return names
    }

    /// Appends the entries to `names`, listed through `buffer` with `getdents64` until it gives none.
    private func list(into names: inout [String], _ buffer: UnsafeMutableRawBufferPointer) throws(InventoryError) {
        // linux_dirent64: d_ino (8 bytes), d_off (8), d_reclen (2), d_type (1), d_name (NUL-terminated).
        while true {
            let count = getdents64(descriptor, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw tree.failure(relative, errno)
            }
            if count == 0 { break }
            var offset = 0
            while offset + 19 < count {
                let length = Int(buffer.loadUnaligned(fromByteOffset: offset + 16, as: UInt16.self))
                guard length > 19, offset + length <= count else { throw tree.failure(relative, EIO) }
                let field = UnsafeRawBufferPointer(rebasing: buffer[(offset + 19)..<(offset + length)])
                let name = String(decoding: field.prefix(while: { $0 != 0 }), as: UTF8.self)
                if name != "." && name != ".." { names.append(name) }
                offset += length
            }
        }
    }
}

extension SysfsTree {
    /// Opens the directory at `relative` (its links resolved within the root) to read what it holds;
    /// `real` is its real path when already resolved.
    func openDirectory(_ relative: String, real: String? = nil) throws(InventoryError) -> SysfsDirectory {
        // Asked to the last component, the directory is opened or refused, never `nil`.
        guard let directory = try SysfsDirectory.open(relative, real: real, in: self) else { throw changed(relative) }
        return directory
    }

    /// ``openDirectory(_:real:)`` of a directory whose last component was not asked whether it is a
    /// link (``resolveLinkedDirectory(_:)``, `lastAsked` false): `nil` when it is one.
    func openDirectory(_ relative: String, real: String, lastAsked: Bool) throws(InventoryError) -> SysfsDirectory? {
        try SysfsDirectory.open(relative, real: real, lastAsked: lastAsked, in: self)
    }
}
