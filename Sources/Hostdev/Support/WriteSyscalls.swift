#if canImport(Glibc)
    import Glibc
#endif

/// The C calls of writing files, each turned into an ``AtomicFile/WriteError`` right after the call.
enum WriteSyscalls {
    /// `what: strerror(errno)`, read before anything else can change `errno`.
    static func failure(_ what: String, _ path: String, _ code: AtomicFile.WriteError.Code = .failed)
        -> AtomicFile.WriteError
    {
        AtomicFile.WriteError(path: path, reason: "\(what): \(String(cString: strerror(errno)))", code: code)
    }

    /// Writes every byte to `descriptor`, retrying short writes and `EINTR`; any error is a failure.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32, name: String) throws(AtomicFile.WriteError) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write", name)
            }
            if count == 0 {
                throw AtomicFile.WriteError(path: name, reason: "cannot write: nothing was accepted", code: .failed)
            }
            offset += count
        }
    }

    /// The file status of `path` (`lstat` when `follow` is false), or `nil` when nothing is there.
    static func status(_ path: String, follow: Bool) throws(AtomicFile.WriteError) -> stat? {
        var info = stat()
        if (follow ? stat(path, &info) : lstat(path, &info)) == 0 { return info }
        if errno == ENOENT { return nil }
        throw failure("cannot inspect", path)
    }

    static func status(of descriptor: Int32, _ path: String) throws(AtomicFile.WriteError) -> stat {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("cannot inspect", path) }
        return info
    }

    /// The directory part and the last component of a path (`.` for a bare name).
    static func split(_ path: String) -> (directory: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// The path with every symbolic link resolved.
    static func resolved(_ path: String) throws(AtomicFile.WriteError) -> String {
        guard let real = realpath(path, nil) else {
            throw failure("cannot open", path, errno == ENOENT || errno == ENOTDIR ? .notFound : .failed)
        }
        defer { free(real) }
        return String(cString: real)
    }

    static func isRegular(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFREG }
    static func isSymbolicLink(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFLNK }

    /// A short name of a file type, for messages.
    static func kind(_ info: stat) -> String {
        switch info.st_mode & S_IFMT {
        case S_IFREG: "a regular file"
        case S_IFDIR: "a directory"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "a special file"
        }
    }
}
