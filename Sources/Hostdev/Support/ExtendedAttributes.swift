internal import CXattr

#if canImport(Glibc)
    import Glibc
#endif

/// Giving a file exactly another file's extended attributes (`user.*`, and as root `trusted.*`,
/// `security.*`, ACLs): every one, or an error naming the one that could not be given.
enum ExtendedAttributes {
    /// Gives `target` the attributes of `source` and no other: one the target got on creation (an ACL
    /// from its directory's default ACL) and the source does not have is removed.
    static func replace(on target: Int32, with source: Int32, path: String) throws(AtomicFile.WriteError) {
        let kept = try names(of: source, path)
        for name in try names(of: target, path) where !kept.contains(name) {
            guard fremovexattr(target, name) == 0 else {
                throw WriteSyscalls.failure("cannot leave out the extended attribute \(name)", path, .refused)
            }
        }
        for name in kept {
            let value = try value(of: name, in: source, path)
            let result = value.withUnsafeBytes { fsetxattr(target, name, $0.baseAddress, $0.count, 0) }
            guard result == 0 else {
                throw WriteSyscalls.failure("cannot keep its extended attribute \(name)", path, .refused)
            }
        }
    }

    /// The attribute names, none where the file system has no extended attributes.
    private static func names(of descriptor: Int32, _ path: String) throws(AtomicFile.WriteError) -> [String] {
        var buffer: [CChar] = []
        while true {
            let size = flistxattr(descriptor, nil, 0)
            if size < 0 && (errno == ENOTSUP || errno == ENOSYS) { return [] }
            guard size >= 0 else { throw WriteSyscalls.failure("cannot list its extended attributes", path) }
            if size == 0 { return [] }
            buffer = [CChar](repeating: 0, count: size)
            let count = flistxattr(descriptor, &buffer, size)
            if count < 0 && errno == ERANGE { continue }
            guard count >= 0 else { throw WriteSyscalls.failure("cannot list its extended attributes", path) }
            return buffer[0..<count].split(separator: 0).map { String(decoding: $0.map(UInt8.init), as: UTF8.self) }
        }
    }

    private static func value(of name: String, in descriptor: Int32, _ path: String) throws(AtomicFile.WriteError)
        -> [UInt8]
    {
        while true {
            let size = fgetxattr(descriptor, name, nil, 0)
            guard size >= 0 else { throw WriteSyscalls.failure("cannot read its extended attribute \(name)", path) }
            var value = [UInt8](repeating: 0, count: size)
            let count = value.withUnsafeMutableBytes { fgetxattr(descriptor, name, $0.baseAddress, size) }
            if count < 0 && errno == ERANGE { continue }
            guard count >= 0 else { throw WriteSyscalls.failure("cannot read its extended attribute \(name)", path) }
            return Array(value[0..<count])
        }
    }
}
