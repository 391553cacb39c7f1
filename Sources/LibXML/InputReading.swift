internal import CLibXML2

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads whole inputs with a size bound, so a huge file is refused before it is parsed.
enum InputReading {
    /// Opens a file for reading without ever blocking in `open` (a FIFO without a writer, a
    /// device), and refuses a directory; with `regularFileOnly`, anything but a regular file.
    static func open(path: String, regularFileOnly: Bool) throws(XMLError) -> Int32 {
        try opened(path: path, regularFileOnly: regularFileOnly).descriptor
    }

    /// ``open(path:regularFileOnly:)``, with the status `fstat` gave right after the open.
    static func opened(path: String, regularFileOnly: Bool) throws(XMLError) -> (descriptor: Int32, status: stat) {
        if regularFileOnly {
            // Looked at before it is opened: opening some devices acts (a watchdog arms, a tape
            // rewinds, /dev/ptmx makes a terminal). What is there after the open is checked again.
            var before = stat()
            if stat(path, &before) == 0, before.st_mode & S_IFMT != S_IFREG {
                let kind = before.st_mode & S_IFMT
                throw XMLError(
                    kind == S_IFDIR ? .unreadable : .notRegularFile, "not a regular file (\(fileKind(kind)))",
                    file: path)
            }
            // A kernel file is never read for a directory search: /proc/kmsg would hand over the
            // kernel's messages, tracefs' trace_pipe would wait.
            if hostdev_is_kernel_file(path) != 0 {
                throw XMLError(.notRegularFile, "not a regular file (a kernel file)", file: path)
            }
        }
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else {
            throw XMLError(.unreadable, "cannot open: \(String(cString: strerror(errno)))", file: path)
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw XMLError(.unreadable, "cannot read: \(reason)", file: path)
        }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR || (regularFileOnly && kind != S_IFREG) {
            close(descriptor)
            throw XMLError(
                kind == S_IFDIR ? .unreadable : .notRegularFile, "not a regular file (\(fileKind(kind)))", file: path)
        }
        // A named pipe is read as `cat` reads it: once a writer has opened it (reading before then
        // would find its end at once), until the writer closes it.
        if kind == S_IFIFO { waitForWriter(descriptor) }
        // Reads block again from here on, but for a file that must be regular: one that waits for
        // data all the same (a kernel file swapped in after the check) fails to read instead of
        // holding a directory search forever.
        if !regularFileOnly { _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK) }
        return (descriptor, info)
    }

    /// Waits until a named pipe opened without blocking has data or a writer that came and went.
    private static func waitForWriter(_ descriptor: Int32) {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while poll(&request, 1, -1) < 0 && errno == EINTR {}
    }

    /// What `ls -l` would say a file is.
    static func fileKind(_ kind: mode_t) -> String {
        switch kind {
        case S_IFDIR: "a directory"
        case S_IFIFO: "a named pipe"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }

    /// Reads a file; `-` reads standard input.
    static func read(path: String, limits: ParseLimits, regularFileOnly: Bool = false) throws(XMLError) -> [UInt8] {
        if path == "-" { return try read(descriptor: 0, name: "-", limits: limits) }
        return try readIdentified(path: path, limits: limits, regularFileOnly: regularFileOnly).bytes
    }

    /// Reads a file, with its identity as it was before the first byte was read: a change during or
    /// after the read gives the file another identity.
    static func readIdentified(path: String, limits: ParseLimits, regularFileOnly: Bool = false) throws(XMLError)
        -> (bytes: [UInt8], identity: FileIdentity)
    {
        let (descriptor, status) = try opened(path: path, regularFileOnly: regularFileOnly)
        defer { close(descriptor) }
        return (try read(descriptor: descriptor, name: path, limits: limits, status: status), FileIdentity(status))
    }

    /// Reads everything from an open descriptor, refusing more than `limits.maxBytes`; `status` is
    /// its `fstat`, when the caller has it.
    static func read(descriptor: Int32, name: String, limits: ParseLimits, status: stat? = nil) throws(XMLError)
        -> [UInt8]
    {
        var bytes: [UInt8] = []
        // A regular file's size is known: one buffer of that size, rather than one per doubling.
        var info = status ?? stat()
        if status != nil || fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0 {
            bytes.reserveCapacity(min(Int(info.st_size), limits.maxBytes + 1))
        }
        try forEachChunk(descriptor: descriptor, name: name) { chunk in
            bytes.append(contentsOf: chunk)
            return bytes.count <= limits.maxBytes
        }
        guard bytes.count <= limits.maxBytes else {
            throw XMLError(.tooLarge, "input is larger than the \(limits.maxBytes >> 20) MiB limit", file: name)
        }
        return bytes
    }

    /// Hands what a descriptor holds to `body` in chunks of 64 KiB, until its end or until `body`
    /// returns `false`.
    static func forEachChunk(descriptor: Int32, name: String, _ body: (UnsafeRawBufferPointer) -> Bool)
        throws(XMLError)
    {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {
                    throw XMLError(.unreadable, "it waits for data (a kernel file, not a file to read)", file: name)
                }
                throw XMLError(.unreadable, "cannot read: \(String(cString: strerror(errno)))", file: name)
            }
            if count == 0 { return }
            guard chunk.withUnsafeBytes({ body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }) else { return }
        }
    }
}

extension InputReading {
    /// Hands a file (or standard input for `-`) to `body` in chunks of 64 KiB, never holding more.
    static func forEachChunk(path: String, _ body: (UnsafeRawBufferPointer) -> Void) throws(XMLError) {
        let descriptor = path == "-" ? 0 : try open(path: path, regularFileOnly: false)
        defer { if descriptor != 0 { close(descriptor) } }
        try forEachChunk(descriptor: descriptor, name: path) { chunk in
            body(chunk)
            return true
        }
    }
}
