import Hostdev

#if canImport(Glibc)
    import Glibc
#endif

/// Standard output, for the data a command prints (XML, JSON, SARIF, tables, reports): every byte is
/// written and checked, and a write that fails (a full disk, `/dev/full`, a closed descriptor) ends
/// the command with exit 3 and a message, never a silent success.
enum StandardOutput {
    /// Writes `text` as it is (add the newline you want).
    static func write(_ text: String) throws(CommandFailure) {
        try write(Array(text.utf8))
    }

    /// Writes `bytes` as they are.
    static func write(_ bytes: [UInt8]) throws(CommandFailure) {
        // Text a status line left in the C library's buffer goes first, in order.
        guard fflush(nil) == 0 else {
            throw CommandFailure.host("standard output: cannot write: \(String(cString: strerror(errno)))")
        }
        do throws(AtomicFile.WriteError) {
            try AtomicFile.write(bytes, toDescriptor: 1, name: "standard output")
        } catch {
            throw CommandFailure.host(error.description)
        }
    }

    /// Makes sure descriptors 0, 1 and 2 are open before anything else is: a closed one is opened on
    /// `/dev/null` for reading, so a file the command opens never takes its number (and data meant
    /// for stdout never lands in it), and a write to a closed stdout fails instead of vanishing.
    static func reserveStandardDescriptors() {
        for descriptor: Int32 in 0...2 where fcntl(descriptor, F_GETFD) < 0 && errno == EBADF {
            let opened = open("/dev/null", O_RDONLY)
            if opened >= 0 && opened != descriptor {
                dup2(opened, descriptor)
                close(opened)
            }
        }
    }
}
