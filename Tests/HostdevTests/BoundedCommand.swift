#if canImport(Glibc)
    import Glibc
#endif

extension HostdevBinary {
    /// Runs `hostdev ARGS` in a shell, bounded in time (`timeout`, exit 124 when it ran out), in a
    /// scratch directory given to `setup` first. `stdin` is fed from a file unless `redirections`
    /// says otherwise; `redirections` replaces the default `>out 2>err` for stdout (for `>/dev/full`
    /// or `>&-`), and `prefix` runs before it in the same shell (`umask 022;`, `setpriv … `).
    static func bounded(
        _ arguments: [String], stdin: String = "", stdout: String? = nil, prefix: String = "", seconds: Int = 60,
        setup: (String) -> Void = { _ in }
    ) -> CommandResult {
        withScratchDirectory("bounded") { directory in
            setup(directory)
            try? stdin.write(toFile: directory + "/stdin")
            let command = ([path] + arguments).map(\.shellQuoted).joined(separator: " ")
            let output = stdout ?? ">\(directory)/out"
            let line = unblockedShell(
                "\(prefix) timeout -k 5 \(seconds) \(command) <\(directory)/stdin \(output) 2>\(directory)/err; echo $?"
            )
            let status = Int32(line.split(separator: "\n").last.map(String.init) ?? "") ?? -1
            return CommandResult(
                status: status, stdout: readFile(directory + "/out") ?? "", stderr: readFile(directory + "/err") ?? "")
        }
    }
}

extension HostdevBinary {
    /// ``shell(_:)`` with no signal blocked in the shell and what it starts: the test runner's
    /// threads block most signals, and a child inherits the mask of the thread that started it (a
    /// blocked SIGCHLD hangs dash's `wait`; a blocked SIGINT or SIGTERM would never reach hostdev).
    static func unblockedShell(_ command: String) -> String {
        var none = sigset_t()
        sigemptyset(&none)
        var previous = sigset_t()
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return shell(command)
    }
}

extension String {
    /// The string in single quotes for a POSIX shell.
    var shellQuoted: String { "'" + replacingOccurrences("'", "'\\''") + "'" }
}
