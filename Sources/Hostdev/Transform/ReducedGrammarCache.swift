import LibXML

#if canImport(Glibc)
    import Glibc
#endif

/// Reduced grammars (``RelaxNGReducedGrammar``) kept on disk between runs, so that checking the
/// elements a transform wrote does not read and index libvirt's whole schema every time.
///
/// An entry is the grammar text written for one schema and one set of start defines and element
/// names, with the path and ``FileIdentity`` of every schema file it was written from, as they were
/// before those files were read. It is used only while each of those paths still has that
/// identity: any change to the installed schema (a package upgrade, an edit) makes the entry stale,
/// and the grammar is written anew from the files. libvirt's schema stays the truth.
///
/// An entry is trusted only when its directory and itself belong to the user running hostdev and
/// nobody else can write them, reached without following a link; anything else (another owner, a
/// group-writable mode, a link, a malformed or truncated entry, a grammar that does not compile) is
/// passed over and the grammar is written from the schema files, as without a cache; so is an entry
/// that names no schema file. A trusted entry is used as it is: whoever can write the user's own
/// cache decides that user's verdicts (as whoever can write libvirt's schema does); `--full-schema`
/// and `HOSTDEV_NO_CACHE=1` check without it.
public struct ReducedGrammarCache: Sendable {
    /// The directory holding the entries.
    public let directory: String

    /// A cache in `directory` (created, mode 0700, when it is missing and its parent belongs to the
    /// user).
    public init(directory: String) {
        self.directory = directory
    }

    /// The user's cache, `$XDG_CACHE_HOME/hostdev` or else `$HOME/.cache/hostdev`; `nil` when
    /// `HOSTDEV_NO_CACHE` is set to anything but the empty string, or when neither variable is an
    /// absolute path.
    public static func user(environment: [String: String]) -> ReducedGrammarCache? {
        if let off = environment["HOSTDEV_NO_CACHE"], !off.isEmpty { return nil }
        if let base = environment["XDG_CACHE_HOME"], base.hasPrefix("/") {
            return ReducedGrammarCache(directory: base + "/hostdev")
        }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return ReducedGrammarCache(directory: (home == "/" ? "" : home) + "/.cache/hostdev")
        }
        return nil
    }

    /// The environment variables ``user(environment:)`` reads.
    public static let variables = ["HOSTDEV_NO_CACHE", "XDG_CACHE_HOME", "HOME"]

    static let formatName = "hostdev reduced RELAX NG grammar 1"
    /// The first line of an entry: the format, hostdev's version and the identity of the running
    /// executable, so that a grammar written by another build (which may reduce differently) is
    /// written anew.
    static let format =
        formatName + " " + hostdevVersion + " " + (FileIdentity.of(path: "/proc/self/exe")?.description ?? "unknown")
    /// Entries larger than this are not read (a reduced grammar is tens of KiB).
    static let maxBytes = 4 << 20

    /// The stored grammar for `key` of the schema `schema`, when the entry is trusted and every
    /// file it was written from still has the identity it had; `nil` otherwise.
    public func load(schema: String, key: String) -> [UInt8]? {
        guard let bytes = read(Self.entryName(schema: schema, key: key)) else { return nil }
        return Self.grammar(in: bytes[...], schema: schema, key: key)
    }

    /// The key of the grammar last used for `schema` (as ``remember(recent:schema:)`` noted it): a
    /// guess at the one the next check needs, to compile ahead. `nil` when none was noted.
    public func recentKey(schema: String) -> String? {
        guard let bytes = read(Self.recentName(schema: schema)),
            let (key, rest) = Self.header(of: bytes[...], schema: schema), rest.isEmpty
        else { return nil }
        return key
    }

    /// Notes `key` as the grammar last used for `schema`. Best effort, as ``store(_:schema:key:sources:)``.
    public func remember(recent key: String, schema: String) {
        guard let header = Self.header(schema: schema, key: key) else { return }
        write(Array(header.utf8), to: Self.recentName(schema: schema))
    }

    /// The lines every file of the cache starts with: the format, the schema and the key; `nil`
    /// when the schema or the key holds a line break.
    private static func header(schema: String, key: String) -> String? {
        guard !(schema + key).contains("\n") else { return nil }
        return format + "\nschema " + schema + "\nkey " + key + "\n"
    }

    /// The key a file's header names and the bytes after the header, when its format and schema
    /// are these; `nil` otherwise.
    private static func header(of file: ArraySlice<UInt8>, schema: String) -> (key: String, rest: ArraySlice<UInt8>)? {
        var rest = file
        var lines: [String] = []
        while lines.count < 3, let end = rest.firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(String(decoding: rest[..<end], as: UTF8.self))
            rest = rest[(end + 1)...]
        }
        guard lines.count == 3, lines[0] == format, lines[1] == "schema " + schema, lines[2].hasPrefix("key ")
        else { return nil }
        return (String(lines[2].dropFirst("key ".count)), rest)
    }

    /// The bytes of the file `name` in the cache, when it and the directory are trusted and it is
    /// read whole.
    private func read(_ name: String) -> [UInt8]? {
        guard let directoryDescriptor = openDirectory() else { return nil }
        defer { close(directoryDescriptor) }
        let descriptor = openat(directoryDescriptor, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, Self.isTrusted(info, kind: S_IFREG), Int(info.st_size) <= Self.maxBytes
        else { return nil }
        let bytes: [UInt8]
        do throws(XMLError) {
            bytes = try XMLInput.readBytes(
                descriptor: descriptor, name: directory, limits: ParseLimits(maxBytes: Self.maxBytes))
        } catch {
            return nil
        }
        // Written meanwhile (another run storing it): passed over.
        guard bytes.count == Int(info.st_size) else { return nil }
        return bytes
    }

    /// Stores `grammar` for `key` of `schema`, written from `sources`. Best effort: a cache that
    /// cannot be written is not an error (the next run writes the grammar from the schema again).
    public func store(
        _ grammar: [UInt8], schema: String, key: String, sources: [(path: String, identity: FileIdentity)]
    ) {
        guard var text = Self.header(schema: schema, key: key), sources.allSatisfy({ !$0.path.contains("\n") })
        else { return }
        for source in sources { text += "file \(source.identity) \(source.path)\n" }
        text += "grammar \(grammar.count)\n"
        write(Array(text.utf8) + grammar, to: Self.entryName(schema: schema, key: key))
    }

    /// Replaces the file `name` in the cache atomically (mode 0600); best effort.
    private func write(_ bytes: [UInt8], to name: String) {
        guard ensureDirectory(), let descriptor = openDirectory() else { return }
        let path = directory + "/" + name
        let location = WriteLocation(directory: descriptor, name: name, path: path)
        do throws(AtomicFile.WriteError) {
            try TemporaryFile.replace(location, with: bytes, mode: 0o600, for: path)
        } catch {
            return
        }
    }

    /// The grammar an entry holds, when its header matches and every source is unchanged.
    static func grammar(in entry: ArraySlice<UInt8>, schema: String, key: String) -> [UInt8]? {
        guard let header = header(of: entry, schema: schema), header.key == key else { return nil }
        var rest = header.rest
        func line() -> String? {
            guard let end = rest.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            defer { rest = rest[(end + 1)...] }
            return String(decoding: rest[..<end], as: UTF8.self)
        }
        var sources = 0
        while let next = line() {
            if next.hasPrefix("grammar ") {
                // An entry that names no source file cannot be known to be current.
                guard sources > 0, let count = Int(next.dropFirst("grammar ".count)), count == rest.count else {
                    return nil
                }
                return Array(rest)
            }
            // file DEVICE INODE SIZE MODIFIED CHANGED PATH
            let fields = next.split(separator: " ", maxSplits: 6, omittingEmptySubsequences: false)
            guard fields.count == 7, fields[0] == "file",
                let recorded = FileIdentity(fields[1...5].joined(separator: " ")[...]),
                FileIdentity.of(path: String(fields[6])) == recorded
            else { return nil }
            sources += 1
        }
        return nil
    }

    /// The entry's file name: a hash of the format's name, the schema and the key (the entry repeats
    /// both, so two keys with one hash only replace each other; another build's entry is replaced).
    static func entryName(schema: String, key: String) -> String {
        "grammar-" + hash(formatName + "\n" + schema + "\n" + key) + ".rng"
    }

    /// The file naming the key last used for a schema.
    static func recentName(schema: String) -> String { "recent-" + hash(formatName + "\n" + schema) + ".key" }

    /// FNV-1a of `text`, as 16 hexadecimal digits.
    private static func hash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Whether a file or directory belongs to this user and nobody else can write it.
    static func isTrusted(_ info: stat, kind: mode_t) -> Bool {
        info.st_mode & S_IFMT == kind && info.st_uid == geteuid() && info.st_mode & 0o022 == 0
    }

    /// The cache directory, opened without following a link, when it is trusted.
    private func openDirectory() -> Int32? {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var info = stat()
        guard fstat(descriptor, &info) == 0, Self.isTrusted(info, kind: S_IFDIR) else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    /// Whether the directory is there and trusted, creating it (and a missing parent, as `~/.cache`)
    /// when the directory above belongs to this user.
    private func ensureDirectory() -> Bool {
        if let descriptor = openDirectory() {
            close(descriptor)
            return true
        }
        var missing: [String] = []
        var path = directory
        for _ in 0..<2 {
            var info = stat()
            guard lstat(path, &info) != 0, errno == ENOENT else { break }
            missing.append(path)
            path = WriteSyscalls.split(path).directory
        }
        guard !missing.isEmpty else { return false }
        var parent = stat()
        guard lstat(path, &parent) == 0, parent.st_mode & S_IFMT == S_IFDIR, parent.st_uid == geteuid() else {
            return false
        }
        for path in missing.reversed() where mkdir(path, 0o700) != 0 && errno != EEXIST { return false }
        guard let descriptor = openDirectory() else { return false }
        close(descriptor)
        return true
    }
}
