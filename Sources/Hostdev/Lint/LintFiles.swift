#if canImport(Glibc)
    import Glibc
#endif

/// Finding the files a lint run reads.
extension Linter {
    /// The files a list of paths names: files as given, directories searched for `*.xml`, `-` as is;
    /// a path given twice once.
    ///
    /// A directory's subdirectories are searched, never a link to one; every other entry named
    /// `*.xml` is listed, and ``lint(files:)`` passes over (with a note) what is not a regular file.
    /// A link found in a directory to a file the search lists anyway (libvirt's `autostart/NAME.xml`
    /// beside `NAME.xml`) is left out, so one domain is never read as two.
    public static func files(in paths: [String]) throws(LintError) -> [String] {
        var files: [String] = []
        for path in paths {
            // Named twice (standard input, or one file), read once.
            if files.contains(path) { continue }
            if path == "-" {
                files.append(path)
                continue
            }
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw LintError(path: path, reason: String(cString: strerror(errno)))
            }
            if info.st_mode & S_IFMT == S_IFDIR {
                files += withoutLinksToListedFiles(try xmlFiles(under: path))
            } else {
                files.append(path)
            }
        }
        return files
    }

    private static func xmlFiles(under directory: String) throws(LintError) -> [String] {
        guard let handle = opendir(directory) else {
            throw LintError(path: directory, reason: String(cString: strerror(errno)))
        }
        var names: [(String, Bool)] = []
        while let entry = readdir(handle) {
            let name = directoryEntryName(entry)
            guard name != ".", name != ".." else { continue }
            var isDirectory = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                var info = stat()
                isDirectory = lstat(directory + "/" + name, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
            }
            names.append((name, isDirectory))
        }
        closedir(handle)
        var files: [String] = []
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        for (name, isDirectory) in names.sorted(by: { $0.0 < $1.0 }) {
            if isDirectory {
                files += try xmlFiles(under: prefix + name)
            } else if name.hasSuffix(".xml") {
                files.append(prefix + name)
            }
        }
        return files
    }

    /// The files less the links among them whose target is also listed under another name.
    private static func withoutLinksToListedFiles(_ files: [String]) -> [String] {
        struct Identity: Hashable {
            var device: UInt64
            var inode: UInt64
        }
        func identity(_ path: String, following: Bool) -> Identity? {
            var info = stat()
            guard (following ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
            return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        }
        func isLink(_ path: String) -> Bool {
            var info = stat()
            return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
        }
        let listed = Set(files.filter { !isLink($0) }.compactMap { identity($0, following: false) })
        return files.filter { path in
            guard isLink(path), let target = identity(path, following: true) else { return true }
            return !listed.contains(target)
        }
    }
}
