#if canImport(Glibc)
    import Glibc
#endif

/// A new file in a write's directory, under a hidden name (`.NAME.XXXXXX`, the target's name cut
/// short when it is too long for the suffix), that either replaces the target whole
/// (``commit(for:)``) or is removed when it goes away. Use it inside ``TerminationSignals/held(_:)``
/// so that no signal can end the process while the name exists.
final class TemporaryFile {
    let descriptor: Int32
    private let location: WriteLocation
    private let name: String
    private var committed = false

    /// The longest file name Linux file systems take (`NAME_MAX`).
    static let maxName = 255

    /// Creates the file exclusively with `mode` (the umask applies), never following a link.
    init(in location: WriteLocation, mode: mode_t, for target: String) throws(AtomicFile.WriteError) {
        self.location = location
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        // "." + base + "." + 6 letters within NAME_MAX, cut on a character boundary.
        var base = Substring(location.name)
        while base.utf8.count > Self.maxName - 8 { base = base.dropLast() }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let name =
                "." + base + "."
                + String((0..<6).map { _ in letters[Int(generator.next(upperBound: UInt(letters.count)))] })
            let opened = openat(location.directory, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if opened >= 0 {
                descriptor = opened
                self.name = name
                return
            }
            if errno != EEXIST { throw WriteSyscalls.failure("cannot create a temporary file beside it", target) }
        }
        throw AtomicFile.WriteError(path: target, reason: "cannot create a temporary file beside it: every name taken")
    }

    deinit {
        close(descriptor)
        if !committed { unlinkat(location.directory, name, 0) }
    }

    func write(_ bytes: [UInt8], for target: String) throws(AtomicFile.WriteError) {
        try WriteSyscalls.writeAll(bytes, to: descriptor, name: target)
    }

    /// Flushes the file to the disk.
    func flush(for target: String) throws(AtomicFile.WriteError) {
        guard fsync(descriptor) == 0 else { throw WriteSyscalls.failure("cannot flush", target) }
    }

    /// Replaces the location's file whole with `bytes`: a new file of `mode` written, flushed and
    /// renamed over it, with the terminating signals held; nothing is left behind on a failure.
    static func replace(_ location: WriteLocation, with bytes: [UInt8], mode: mode_t, for target: String)
        throws(AtomicFile.WriteError)
    {
        try TerminationSignals.held { () throws(AtomicFile.WriteError) in
            let file = try TemporaryFile(in: location, mode: mode, for: target)
            try file.write(bytes, for: target)
            try file.flush(for: target)
            try file.commit(for: target)
        }
    }

    /// Renames the flushed file over the location's name.
    func commit(for target: String) throws(AtomicFile.WriteError) {
        guard renameat(location.directory, name, location.directory, location.name) == 0 else {
            throw WriteSyscalls.failure("cannot replace", target)
        }
        committed = true
    }
}

/// The signals that end a process by default while a temporary file exists: SIGINT, SIGTERM, SIGHUP,
/// SIGQUIT, and SIGXFSZ (a file-size limit, `ulimit -f`, reached by the write itself).
enum TerminationSignals {
    static let all = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGXFSZ]

    /// Runs `body` with those signals held on this thread. One that arrives meanwhile is delivered
    /// when `body` has returned, that is after the temporary file was renamed or removed; a SIGXFSZ
    /// the write raised is consumed, since the write reports it as `EFBIG`, which `body` throws.
    static func held<T>(_ held: [Int32] = all, _ body: () throws(AtomicFile.WriteError) -> T)
        throws(AtomicFile.WriteError) -> T
    {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in held { sigaddset(&signals, signal) }
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &signals, &previous)
        defer {
            var pending = sigset_t()
            if sigismember(&previous, SIGXFSZ) == 0, sigpending(&pending) == 0, sigismember(&pending, SIGXFSZ) == 1 {
                var only = sigset_t()
                sigemptyset(&only)
                sigaddset(&only, SIGXFSZ)
                var immediately = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&only, nil, &immediately)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        return try body()
    }
}
