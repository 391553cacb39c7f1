import LibXML

#if canImport(Glibc)
    import Glibc
#endif

/// A file edited in place (`--in-place`): the file the path names, symbolic links of root's or the
/// caller's followed (another user's refused), locked from before it is read until it is replaced,
/// and replaced whole by a file with its owner, group, mode (set-user-ID, set-group-ID and sticky
/// bits included) and exactly its extended attributes and ACLs.
///
/// Open one, ``read(limit:)`` it, then ``replace(with:)``. The lock is an exclusive `flock` on the
/// file, taken again when the file was replaced by the time it was granted, so two edits of one file
/// run one after the other and the second reads what the first wrote. The new file is created,
/// checked and renamed in the directory the path led to when the file was opened, whatever happens
/// to the path's directories meanwhile. A replacement of the file, or a write into it, by a program
/// that takes no lock, between the lock and the rename, is detected and refused. The lock is
/// released when the value goes away.
///
/// Refused (nothing touched): something other than a regular file; a file with other hard links (a
/// replacement would leave the other names with the old content, and writing into the file itself
/// would lose the all-or-nothing write a domain file needs); a file the caller cannot open for
/// writing (a read-only file, or another user's, even in a directory the caller may write); a file
/// whose owner, group, mode or attributes the caller could not give the new file.
public final class InPlaceFile {
    /// The path as given.
    public let givenPath: String
    /// The file's own path, every symbolic link resolved, for messages (``read(limit:)`` reads the
    /// locked file itself).
    public let path: String
    private let location: WriteLocation
    private let descriptor: Int32
    private let original: stat

    /// Opens and locks the file `path` names. Links are followed, each only when it belongs to root
    /// or to the caller (see ``WriteLocation``).
    public init(path given: String) throws(AtomicFile.WriteError) {
        givenPath = given
        for _ in 0..<16 {
            let location = try WriteLocation.locate(given, followingLastLink: true)
            guard let info = try location.status(following: false, for: given) else {
                throw AtomicFile.WriteError(
                    path: given, reason: "cannot open: No such file or directory", code: .notFound)
            }
            guard WriteSyscalls.isRegular(info) else {
                throw AtomicFile.WriteError(
                    path: given, reason: "is \(WriteSyscalls.kind(info)); only a regular file is edited in place",
                    code: .refused)
            }
            let opened = openat(
                location.directory, location.name, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
            guard opened >= 0 else {
                let code: AtomicFile.WriteError.Code = [EACCES, EPERM, EROFS].contains(errno) ? .refused : .failed
                throw WriteSyscalls.failure("cannot be edited: you cannot write it", given, code)
            }
            do throws(AtomicFile.WriteError) {
                try Self.lock(opened, given)
            } catch {
                close(opened)
                throw error
            }
            var locked = stat()
            guard fstat(opened, &locked) == 0 else {
                let failure = WriteSyscalls.failure("cannot inspect", given)
                close(opened)
                throw failure
            }
            let current: stat?
            do throws(AtomicFile.WriteError) {
                current = try location.status(following: false, for: given)
            } catch {
                close(opened)
                throw error
            }
            guard let current, Self.isSameFile(current, locked) else {
                // Replaced while the lock was awaited: lock the file that is there now.
                close(opened)
                continue
            }
            self.location = location
            descriptor = opened
            original = locked
            path = location.path
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

    /// How long an edit waits for another program's lock on the file before it refuses: another
    /// edit holds it for milliseconds; anyone who may read the file may hold a shared lock forever.
    static let lockTimeoutSeconds = 60

    /// Takes the exclusive lock, waiting at most ``lockTimeoutSeconds``.
    private static func lock(_ descriptor: Int32, _ given: String) throws(AtomicFile.WriteError) {
        switch TimedLock.take(descriptor, waitingAtMost: lockTimeoutSeconds) {
        case .taken:
            return
        case .timedOut:
            throw AtomicFile.WriteError(
                path: given, reason: "another program held a lock on it for \(lockTimeoutSeconds) s; not edited",
                code: .refused)
        case .failed(let code):
            errno = code
            throw WriteSyscalls.failure("cannot lock", given)
        }
    }

    /// Reads the locked file whole; more than `limit` bytes is an error.
    public func read(limit: Int = ParseLimits.standard.maxBytes) throws(XMLError) -> [UInt8] {
        guard lseek(descriptor, 0, SEEK_SET) == 0 else {
            throw XMLError(.unreadable, "cannot read: \(String(cString: strerror(errno)))", file: givenPath)
        }
        return try XMLInput.readBytes(descriptor: descriptor, name: givenPath, limits: ParseLimits(maxBytes: limit))
    }

    /// Replaces the file with `bytes`, keeping its owner, group, mode and extended attributes.
    public func replace(with bytes: [UInt8]) throws(AtomicFile.WriteError) {
        try TerminationSignals.held { () throws(AtomicFile.WriteError) in
            let temporary = try TemporaryFile(in: location, mode: 0o600, for: givenPath)
            // Written first: a write, a chown and a chmod each may clear the set-user-ID bit.
            try temporary.write(bytes, for: givenPath)
            try keepAttributes(on: temporary.descriptor)
            try temporary.flush(for: givenPath)
            // Checked last, right before the rename: the file at the name is still the one locked,
            // and nothing wrote into it since it was locked (a writer that takes no lock).
            let now = try WriteSyscalls.status(of: descriptor, givenPath)
            guard let current = try location.status(following: false, for: givenPath),
                Self.isSameFile(current, original),
                Self.isUnchanged(now, since: original)
            else {
                throw AtomicFile.WriteError(
                    path: givenPath, reason: "was changed by another program during the edit; not written",
                    code: .refused)
            }
            try temporary.commit(for: givenPath)
        }
    }

    private static func isSameFile(_ a: stat, _ b: stat) -> Bool { a.st_dev == b.st_dev && a.st_ino == b.st_ino }

    /// Whether nothing wrote into the file or changed its attributes: size, contents' and status'
    /// change times as they were.
    private static func isUnchanged(_ now: stat, since then: stat) -> Bool {
        now.st_size == then.st_size && now.st_mtim.tv_sec == then.st_mtim.tv_sec
            && now.st_mtim.tv_nsec == then.st_mtim.tv_nsec && now.st_ctim.tv_sec == then.st_ctim.tv_sec
            && now.st_ctim.tv_nsec == then.st_ctim.tv_nsec
    }

    /// The original's owner, group, mode, then exactly its extended attributes (ACLs included), on the
    /// new file: none that the directory's default ACL gave the new file stays.
    private func keepAttributes(on target: Int32) throws(AtomicFile.WriteError) {
        guard fchown(target, original.st_uid, original.st_gid) == 0 else {
            throw WriteSyscalls.failure(
                "cannot keep its owner \(original.st_uid) and group \(original.st_gid)", givenPath, .refused)
        }
        try ExtendedAttributes.replace(on: target, with: descriptor, path: givenPath)
        let mode = original.st_mode & 0o7777
        guard fchmod(target, mode) == 0 else {
            throw WriteSyscalls.failure("cannot keep its mode \(String(mode, radix: 8))", givenPath, .refused)
        }
        let given = try WriteSyscalls.status(of: target, givenPath)
        guard given.st_mode & 0o7777 == mode else {
            throw AtomicFile.WriteError(
                path: givenPath, reason: "cannot keep its mode \(String(mode, radix: 8)); not written", code: .refused)
        }
    }
}
