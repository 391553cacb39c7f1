#if canImport(Glibc)
    import Glibc
#endif

/// A file edited in place (`--in-place`): the file the path names, symbolic links followed, locked from
/// before it is read until it is replaced, and replaced whole by a file with its owner, group, mode
/// (set-user-ID, set-group-ID and sticky bits included) and extended attributes.
///
/// Open one, read ``path`` (the resolved path) while it is alive, then ``replace(with:)``. The lock is
/// an exclusive `flock` on the file, taken again when the file was replaced by the time it was
/// granted, so two edits of one file run one after the other and the second reads what the first
/// wrote; a replacement by anything else between the read and the write is detected and refused.
/// The lock is released when the value goes away.
///
/// Refused (nothing touched): something other than a regular file; a file with other hard links (a
/// replacement would leave the other names with the old content, and writing into the file itself
/// would lose the all-or-nothing write a domain file needs); a file the caller cannot open for
/// writing (a read-only file, or another user's, even in a directory the caller may write); a file
/// whose owner, group, mode or attributes the caller could not give the new file.
public final class InPlaceFile {
    /// The path as given.
    public let givenPath: String
    /// The file's own path, every symbolic link resolved: read it, it is what gets replaced.
    public let path: String
    private let descriptor: Int32
    private let original: stat

    /// Opens and locks the file `path` names.
    public init(path given: String) throws(AtomicFile.WriteError) {
        givenPath = given
        for _ in 0..<16 {
            let resolved = try WriteSyscalls.resolved(given)
            guard let info = try WriteSyscalls.status(resolved, follow: false) else { continue }
            guard WriteSyscalls.isRegular(info) else {
                throw AtomicFile.WriteError(
                    path: given, reason: "is \(WriteSyscalls.kind(info)); only a regular file is edited in place",
                    code: .refused)
            }
            let opened = open(resolved, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
            guard opened >= 0 else {
                let code: AtomicFile.WriteError.Code = [EACCES, EPERM, EROFS].contains(errno) ? .refused : .failed
                throw WriteSyscalls.failure("cannot be edited: you cannot write it", given, code)
            }
            while flock(opened, LOCK_EX) != 0 {
                if errno == EINTR { continue }
                let failure = WriteSyscalls.failure("cannot lock", given)
                close(opened)
                throw failure
            }
            var locked = stat()
            var current = stat()
            guard fstat(opened, &locked) == 0 else {
                let failure = WriteSyscalls.failure("cannot inspect", given)
                close(opened)
                throw failure
            }
            guard lstat(resolved, &current) == 0, current.st_dev == locked.st_dev, current.st_ino == locked.st_ino
            else {
                // Replaced while the lock was awaited: lock the file that is there now.
                close(opened)
                continue
            }
            descriptor = opened
            original = locked
            path = resolved
            guard locked.st_nlink == 1 else {
                throw AtomicFile.WriteError(
                    path: given,
                    reason:
                        "has \(locked.st_nlink) hard links; an edit in place would leave the others with the old content: "
                        + "remove the other links, or write a new file with -o",
                    code: .refused)
            }
            return
        }
        throw AtomicFile.WriteError(path: given, reason: "kept being replaced while it was being locked")
    }

    deinit { close(descriptor) }

    /// Replaces the file with `bytes`, keeping its owner, group, mode and extended attributes.
    public func replace(with bytes: [UInt8]) throws(AtomicFile.WriteError) {
        try TerminationSignals.held { () throws(AtomicFile.WriteError) in
            let temporary = try TemporaryFile(beside: path, mode: 0o600)
            // Written first: a write, a chown and a chmod each may clear the set-user-ID bit.
            try temporary.write(bytes, for: givenPath)
            try keepAttributes(on: temporary.descriptor)
            var current = stat()
            guard lstat(path, &current) == 0, current.st_dev == original.st_dev, current.st_ino == original.st_ino
            else {
                throw AtomicFile.WriteError(
                    path: givenPath, reason: "was replaced by another program during the edit; not written",
                    code: .refused)
            }
            try temporary.commit(over: path)
        }
    }

    /// The original's owner, group, mode, then its extended attributes, on the new file.
    private func keepAttributes(on target: Int32) throws(AtomicFile.WriteError) {
        guard fchown(target, original.st_uid, original.st_gid) == 0 else {
            throw WriteSyscalls.failure(
                "cannot keep its owner \(original.st_uid) and group \(original.st_gid)", givenPath, .refused)
        }
        let mode = original.st_mode & 0o7777
        guard fchmod(target, mode) == 0 else {
            throw WriteSyscalls.failure("cannot keep its mode \(String(mode, radix: 8))", givenPath, .refused)
        }
        let given = try WriteSyscalls.status(of: target, givenPath)
        guard given.st_mode & 0o7777 == mode else {
            throw AtomicFile.WriteError(
                path: givenPath, reason: "cannot keep its mode \(String(mode, radix: 8)); not written", code: .refused)
        }
        try ExtendedAttributes.copy(from: descriptor, to: target, path: givenPath)
    }
}
