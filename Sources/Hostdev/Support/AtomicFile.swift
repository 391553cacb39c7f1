#if canImport(Glibc)
    import Glibc
#endif

/// Writes an output file (`-o FILE`) whole or not at all, as the user who runs it.
///
/// The path's directories are walked as ``WriteLocation`` walks them: a link of another user in any
/// of them is refused, and the write lands in the directory the walk opened.
///
/// What is at the path decides how:
/// - nothing, or a regular file: a new file beside it (`.NAME.XXXXXX`), written, flushed, renamed over
///   it. The result belongs to the caller, with the mode the umask gives (`0666 & ~umask`); nothing of
///   a file that was there (owner, mode, links) carries over. A process killed mid-write leaves the
///   old file intact, and SIGINT, SIGTERM, SIGHUP, SIGQUIT or SIGXFSZ leave no temporary file.
/// - a character device or a FIFO (`/dev/null`, a terminal, a pipe): written through, never replaced.
///   A FIFO is opened as `echo > FIFO` opens it, waiting for its reader; one of another user (not
///   root's, not the caller's) is refused, since whoever reads it would get the output.
/// - a symbolic link: never replaced. It is followed when the link belongs to the caller or to root
///   and it leads to a device or FIFO as above, or to a regular file of the caller's own, which is
///   then truncated and written in place (not atomically); `-o /dev/stdout` works this way. A link to
///   another user's file, or to nothing, is refused: a link planted by someone else does not redirect
///   the write.
/// - a directory, a block device or a socket: refused.
///
/// For editing a file in place, keeping its owner and attributes, see ``InPlaceFile``.
public enum AtomicFile {
    /// Why a file could not be written.
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        /// Whether the write was refused for what the target is, or attempted and failed.
        public enum Code: Sendable, Equatable {
            /// The target is of a kind, an owner or a state that is not written (nothing was touched).
            case refused
            /// A call failed (no space, no permission on the directory, ...); the target is as it was,
            /// except for a file written in place through a link.
            case failed
            /// The file to edit is not there.
            case notFound
        }

        /// The target path.
        public var path: String
        /// The reason.
        public var reason: String
        /// Refused or failed.
        public var code: Code

        /// An error about `path`.
        public init(path: String, reason: String, code: Code = .failed) {
            self.path = path
            self.reason = reason
            self.code = code
        }

        public var description: String { "\(path): \(reason)" }
    }

    /// Writes `bytes` to `path`, as described above.
    public static func write(_ bytes: [UInt8], to path: String) throws(WriteError) {
        let location = try WriteLocation.locate(path, followingLastLink: false)
        guard let existing = try location.status(following: false, for: path) else {
            return try replace(location, path, with: bytes)
        }
        if WriteSyscalls.isSymbolicLink(existing) {
            return try writeThroughLink(location, path, owner: existing.st_uid, bytes)
        }
        if WriteSyscalls.isRegular(existing) { return try replace(location, path, with: bytes) }
        try refuseUnlessStream(existing, path)
        try writeThrough(location, path, bytes, followingLink: false, expected: existing)
    }

    /// Writes `bytes` to standard output or another open descriptor, every byte, or throws; a file-size
    /// limit reached (`ulimit -f`) is the error `EFBIG`, not the end of the process by SIGXFSZ.
    public static func write(_ bytes: [UInt8], toDescriptor descriptor: Int32, name: String) throws(WriteError) {
        try TerminationSignals.held([SIGXFSZ]) { () throws(WriteError) in
            try WriteSyscalls.writeAll(bytes, to: descriptor, name: name)
        }
    }

    /// A new file renamed over the location's name, the caller's, with the umask's mode.
    private static func replace(_ location: WriteLocation, _ path: String, with bytes: [UInt8]) throws(WriteError) {
        try TemporaryFile.replace(location, with: bytes, mode: 0o666, for: path)
    }

    /// Follows the link as ``WriteLocation`` walks a path (each link on the way root's or the
    /// caller's), then writes into what it leads to, never following a link there.
    private static func writeThroughLink(_ location: WriteLocation, _ path: String, owner: uid_t, _ bytes: [UInt8])
        throws(WriteError)
    {
        guard owner == 0 || owner == geteuid() else {
            throw WriteError(
                path: path, reason: "is a symbolic link of another user (uid \(owner)); not followed", code: .refused)
        }
        let resolved = try WriteLocation.locate(path, followingLastLink: true)
        if resolved.isKernelLink {
            // A pipe or a socket the kernel names (`/dev/stdout`): written through, never replaced.
            guard let target = try resolved.status(following: true, for: path) else {
                throw WriteError(path: path, reason: "leads to an open file that is gone; not written", code: .refused)
            }
            try refuseUnlessStream(target, path)
            return try writeThrough(resolved, path, bytes, followingLink: true, expected: target)
        }
        guard let target = try resolved.status(following: false, for: path) else {
            throw WriteError(path: path, reason: "is a symbolic link to nothing; not followed", code: .refused)
        }
        if WriteSyscalls.isRegular(target) {
            guard target.st_uid == geteuid() else {
                throw WriteError(
                    path: path,
                    reason: "is a symbolic link to a file of another user (uid \(target.st_uid)); not followed",
                    code: .refused)
            }
        } else {
            try refuseUnlessStream(target, path)
        }
        try writeThrough(resolved, path, bytes, followingLink: false, expected: target)
    }

    /// Refuses anything but a character device or a FIFO, and a FIFO of another user: a FIFO planted
    /// where the output goes would hand the output to whoever reads it.
    private static func refuseUnlessStream(_ info: stat, _ path: String) throws(WriteError) {
        let type = info.st_mode & S_IFMT
        guard type == S_IFCHR || type == S_IFIFO else {
            throw WriteError(path: path, reason: "is \(WriteSyscalls.kind(info)); not written", code: .refused)
        }
        guard type != S_IFIFO || info.st_uid == 0 || info.st_uid == geteuid() else {
            throw WriteError(
                path: path, reason: "is a FIFO of another user (uid \(info.st_uid)); not written", code: .refused)
        }
    }

    /// Opens what is at the location (no creation) and writes into it; a regular file is truncated
    /// first. A file-size limit reached is the error `EFBIG`, not the end of the process.
    private static func writeThrough(
        _ location: WriteLocation, _ path: String, _ bytes: [UInt8], followingLink: Bool, expected: stat
    ) throws(WriteError) {
        // A FIFO is opened as `echo > FIFO` opens it: waiting for a reader. A device is opened without
        // waiting (a serial line's carrier), then written in blocking mode.
        let waiting = expected.st_mode & S_IFMT == S_IFIFO ? 0 : O_NONBLOCK
        let descriptor = openat(
            location.directory, location.name,
            O_WRONLY | O_NOCTTY | O_CLOEXEC | waiting | (followingLink ? 0 : O_NOFOLLOW))
        guard descriptor >= 0 else { throw WriteSyscalls.failure("cannot open", path) }
        defer { close(descriptor) }
        let opened = try WriteSyscalls.status(of: descriptor, path)
        guard opened.st_dev == expected.st_dev, opened.st_ino == expected.st_ino else {
            throw WriteError(path: path, reason: "changed while it was being opened; not written", code: .refused)
        }
        let status = fcntl(descriptor, F_GETFL)
        guard status >= 0, fcntl(descriptor, F_SETFL, status & ~O_NONBLOCK) == 0 else {
            throw WriteSyscalls.failure("cannot set up the write", path)
        }
        let regular = WriteSyscalls.isRegular(opened)
        if regular {
            guard ftruncate(descriptor, 0) == 0 else { throw WriteSyscalls.failure("cannot truncate", path) }
        }
        try TerminationSignals.held([SIGXFSZ]) { () throws(WriteError) in
            try WriteSyscalls.writeAll(bytes, to: descriptor, name: path)
        }
        if regular {
            guard fsync(descriptor) == 0 else { throw WriteSyscalls.failure("cannot flush", path) }
        }
    }
}
