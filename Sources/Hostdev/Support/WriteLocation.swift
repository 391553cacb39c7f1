#if canImport(Glibc)
    import Glibc
#endif

/// Where a write lands: the directory that holds the target, open, and the target's name in it.
///
/// The path is walked one component at a time from `/` or the working directory, each directory
/// opened from its parent with `O_NOFOLLOW`. A symbolic link on the way is followed only when it
/// belongs to root or to the caller: a link planted by another user, in any component, does not
/// redirect a write. Everything after the walk (creating the temporary file, checking what is at
/// the name, renaming over it) is done relative to the open directory, so renaming or replacing a
/// directory on the path after the walk changes nothing about where the write lands.
final class WriteLocation {
    /// The open directory (`O_RDONLY | O_DIRECTORY`), closed when the value goes away.
    let directory: Int32
    /// The target's name in ``directory`` (never a path, never `.` or `..`).
    let name: String
    /// The path the walk took, every followed link resolved, for messages and for reading.
    let path: String
    /// Whether ``name`` is one of the kernel's own links to an open file that is no path
    /// (`/proc/self/fd/1` to `pipe:[…]`, as `/dev/stdout` leads): only the kernel can follow it.
    let isKernelLink: Bool

    /// A location in a directory the caller opened and checked itself; the value closes it.
    init(directory: Int32, name: String, path: String, isKernelLink: Bool = false) {
        self.directory = directory
        self.name = name
        self.path = path
        self.isKernelLink = isKernelLink
    }

    deinit { close(directory) }

    /// What is at ``name`` (`following` a link there or not); `nil` when nothing is. `target`
    /// names the write in an error.
    func status(following: Bool, for target: String) throws(AtomicFile.WriteError) -> stat? {
        var info = stat()
        if fstatat(directory, name, &info, following ? 0 : AT_SYMLINK_NOFOLLOW) == 0 { return info }
        if errno == ENOENT { return nil }
        throw WriteSyscalls.failure("cannot inspect", target)
    }

    /// The most links one walk follows, as the kernel's own bound (`ELOOP`).
    static let maxLinks = 40

    /// Walks `given` to the directory of its last component.
    /// - Parameter followingLastLink: whether a link in the last component is followed too (an edit
    ///   in place edits the file a link names; a new file replaces a link).
    static func locate(_ given: String, followingLastLink: Bool) throws(AtomicFile.WriteError) -> WriteLocation {
        guard !given.isEmpty else {
            throw AtomicFile.WriteError(path: given, reason: "is an empty path", code: .refused)
        }
        guard !given.hasSuffix("/") else {
            throw AtomicFile.WriteError(path: given, reason: "ends with '/': it names a directory", code: .refused)
        }
        var pending = Array(components(of: given).reversed())
        var walked: [String] = given.hasPrefix("/") ? [] : try workingDirectory(given)
        var current = try openDirectory(given.hasPrefix("/") ? "/" : ".", at: AT_FDCWD, given)
        var links = 0
        while let component = pending.popLast() {
            let last = pending.isEmpty
            if component == ".." {
                let parent = try openDirectory("..", at: current, given, closing: current)
                current = parent
                _ = walked.popLast()
                if last { return try located(current, named: nil, walked, given) }
                continue
            }
            var info = stat()
            guard fstatat(current, component, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                if errno == ENOENT && last { return try located(current, named: component, walked, given) }
                let failure = WriteSyscalls.failure(
                    "cannot reach \(display(walked + [component]))", given,
                    errno == ENOENT || errno == ENOTDIR ? .notFound : .failed)
                close(current)
                throw failure
            }
            if WriteSyscalls.isSymbolicLink(info) && (!last || followingLastLink) {
                let target = try followedLink(component, in: current, info, walked, given)
                // /proc/PID/fd/N to a pipe or a socket: text that is no path, which only the kernel
                // follows (a link to a file there reads as its path and is walked like any other).
                if last && walked.first == "proc" && !target.hasPrefix("/") && target.hasSuffix("]") {
                    return WriteLocation(
                        directory: current, name: component, path: display(walked + [component]), isKernelLink: true)
                }
                links += 1
                guard links <= maxLinks else {
                    close(current)
                    throw AtomicFile.WriteError(
                        path: given, reason: "has more than \(maxLinks) symbolic links to follow; not written",
                        code: .refused)
                }
                if target.hasPrefix("/") {
                    let root = try openDirectory("/", at: AT_FDCWD, given, closing: current)
                    current = root
                    walked = []
                }
                pending += components(of: target).reversed()
                if pending.isEmpty { return try located(current, named: nil, walked, given) }
                continue
            }
            if last { return try located(current, named: component, walked, given) }
            let next = try openDirectory(component, at: current, given, closing: current, shown: walked + [component])
            current = next
            walked.append(component)
        }
        return try located(current, named: nil, walked, given)
    }

    /// The location of `name` in `directory`; a path that ends in a directory (`/`, `.`, `..`) names
    /// no file to write.
    private static func located(_ directory: Int32, named name: String?, _ walked: [String], _ given: String)
        throws(AtomicFile.WriteError) -> WriteLocation
    {
        guard let name else {
            close(directory)
            throw AtomicFile.WriteError(path: given, reason: "is a directory; not written", code: .refused)
        }
        return WriteLocation(directory: directory, name: name, path: display(walked + [name]))
    }

    /// The text of a link that may be followed: one of root's or the caller's, read while it is the
    /// link that was inspected.
    private static func followedLink(
        _ name: String, in directory: Int32, _ info: stat, _ walked: [String], _ given: String
    ) throws(AtomicFile.WriteError) -> String {
        let shown = display(walked + [name])
        guard info.st_uid == 0 || info.st_uid == geteuid() else {
            close(directory)
            throw AtomicFile.WriteError(
                path: given, reason: "\(shown) is a symbolic link of another user (uid \(info.st_uid)); not followed",
                code: .refused)
        }
        // Another process's /proc entries (fd/N, cwd, root) lead where that process chose, and the
        // kernel gives them to root when the process is not dumpable: their owner says nothing.
        if walked.count >= 2, walked[0] == "proc", walked[1].allSatisfy(\.isNumber), walked[1] != String(getpid()) {
            close(directory)
            throw AtomicFile.WriteError(
                path: given, reason: "\(shown) is a link of another process; not followed", code: .refused)
        }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(directory, name, &buffer, buffer.count - 1)
        var again = stat()
        guard count >= 0, fstatat(directory, name, &again, AT_SYMLINK_NOFOLLOW) == 0 else {
            let failure = WriteSyscalls.failure("cannot read the link \(shown)", given)
            close(directory)
            throw failure
        }
        guard again.st_dev == info.st_dev, again.st_ino == info.st_ino, count > 0, count < buffer.count - 1 else {
            close(directory)
            throw AtomicFile.WriteError(
                path: given, reason: "the link \(shown) changed while it was being read; not written", code: .refused)
        }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Opens a directory `name` relative to `parent`, never following a link; closes `closing` (the
    /// parent, no longer needed) whatever happens.
    private static func openDirectory(
        _ name: String, at parent: Int32, _ given: String, closing: Int32? = nil, shown: [String]? = nil
    ) throws(AtomicFile.WriteError) -> Int32 {
        let opened = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        let code = errno
        if let closing { close(closing) }
        guard opened >= 0 else {
            errno = code
            throw WriteSyscalls.failure(
                "cannot open the directory \(shown.map(display) ?? name)", given,
                code == ENOENT || code == ENOTDIR ? .notFound : .failed)
        }
        return opened
    }

    /// The working directory's components, for messages.
    private static func workingDirectory(_ given: String) throws(AtomicFile.WriteError) -> [String] {
        guard let cwd = getcwd(nil, 0) else { throw WriteSyscalls.failure("cannot tell the working directory", given) }
        defer { free(cwd) }
        return components(of: String(cString: cwd))
    }

    private static func components(of path: String) -> [String] {
        path.split(separator: "/").map(String.init).filter { $0 != "." }
    }

    private static func display(_ components: [String]) -> String { "/" + components.joined(separator: "/") }
}
