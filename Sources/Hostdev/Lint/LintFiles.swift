#if canImport(Glibc)
    import Glibc
#endif

/// Finding the files a lint run reads.
extension Linter {
    /// The files a list of paths names: files as given, directories searched for `*.xml`, `-` as is.
    ///
    /// A directory's subdirectories are searched, never a link to one; every other entry named
    /// `*.xml` is listed, and ``lint(files:)`` passes over (with a note) what is not a regular file.
    public static func files(in paths: [String]) throws(LintError) -> [String] {
        var files: [String] = []
        for path in paths {
            if path == "-" {
                files.append(path)
                continue
            }
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw LintError(path: path, reason: String(cString: strerror(errno)))
            }
            if info.st_mode & S_IFMT == S_IFDIR {
                files += try xmlFiles(under: path)
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
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
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
}
