#if canImport(Glibc)
    import Glibc
#endif

/// Writes a file whole or not at all: a temporary file beside the target, flushed, then renamed over
/// it. A process killed mid-write leaves the original intact. Replacing keeps the original's mode
/// (and owner, when permitted).
public enum AtomicFile {
    /// Why a file could not be written.
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        /// The target path.
        public var path: String
        /// The reason.
        public var reason: String

        public var description: String { "\(path): \(reason)" }
    }

    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws(WriteError) {
        func fail(_ what: String) -> WriteError {
            WriteError(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let pattern: String = (directory.isEmpty ? "/" : directory + "/") + "." + base + ".XXXXXX"
        var template = Array(pattern.utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw fail("cannot create a temporary file beside it") }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var renamed = false
        defer {
            close(descriptor)
            if !renamed { unlink(temporary) }
        }
        var original = stat()
        if stat(path, &original) == 0 {
            fchmod(descriptor, original.st_mode & 0o7777)
            _ = fchown(descriptor, original.st_uid, original.st_gid)
        } else {
            let mask = umask(0)
            umask(mask)
            fchmod(descriptor, 0o666 & ~mask)
        }
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw fail("cannot write")
            }
            offset += count
        }
        guard fsync(descriptor) == 0 else { throw fail("cannot flush") }
        guard rename(temporary, path) == 0 else { throw fail("cannot replace") }
        renamed = true
    }
}
