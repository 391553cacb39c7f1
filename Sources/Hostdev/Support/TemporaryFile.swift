#if canImport(Glibc)
    import Glibc
#endif

/// A new file beside a target, under a hidden name (`.NAME.XXXXXX`), that either replaces the target
/// whole (``commit(over:)``) or is removed when it goes away. Use it inside
/// ``TerminationSignals/held(_:)`` so that no signal can end the process while the name exists.
final class TemporaryFile {
    let descriptor: Int32
    let path: String
    private var committed = false

    /// Creates the file exclusively with `mode` (the umask applies), never following a link.
    init(beside target: String, mode: mode_t) throws(AtomicFile.WriteError) {
        let (directory, base) = WriteSyscalls.split(target)
        let prefix = (directory == "/" ? "/" : directory + "/") + "." + base + "."
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let name =
                prefix + String((0..<6).map { _ in letters[Int(generator.next(upperBound: UInt(letters.count)))] })
            let opened = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if opened >= 0 {
                descriptor = opened
                path = name
                return
            }
            if errno != EEXIST { throw WriteSyscalls.failure("cannot create a temporary file beside it", target) }
        }
        throw AtomicFile.WriteError(path: target, reason: "cannot create a temporary file beside it: every name taken")
    }

    deinit {
        close(descriptor)
        if !committed { unlink(path) }
    }

    func write(_ bytes: [UInt8], for target: String) throws(AtomicFile.WriteError) {
        try WriteSyscalls.writeAll(bytes, to: descriptor, name: target)
    }

    /// Flushes the file to the disk and renames it over `target`.
    func commit(over target: String) throws(AtomicFile.WriteError) {
        guard fsync(descriptor) == 0 else { throw WriteSyscalls.failure("cannot flush", target) }
        guard rename(path, target) == 0 else { throw WriteSyscalls.failure("cannot replace", target) }
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
