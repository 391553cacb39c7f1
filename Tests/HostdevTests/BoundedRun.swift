#if canImport(Glibc)
    import Glibc
#endif

/// Runs `hostdev` in a child bounded in time (`timeout -s KILL`: a test runner may block SIGTERM in
/// its children) and address space (`ulimit -v`), from inside a scratch directory, for inputs built
/// to be slow or huge.
enum BoundedRun {
    /// Runs `hostdev ARGS` in `directory` (relative paths are relative to it), reading standard
    /// input from `stdin` (a file in `directory`) or from nothing.
    static func hostdev(
        _ arguments: [String], in directory: String, stdin: String? = nil, seconds: Int = 20, megabytes: Int = 2000
    ) -> CommandResult {
        let quoted = ([HostdevBinary.path] + arguments).map(quote).joined(separator: " ")
        // Sanitizer builds reserve terabytes of address space for shadow memory: no -v bound for them.
        let bound = getenv("HOSTDEV_SANITIZER") == nil ? "ulimit -v \(megabytes * 1024); " : ""
        let input = stdin.map(quote) ?? "/dev/null"
        let output = HostdevBinary.shell(
            "cd \(quote(directory)) && (\(bound)timeout -s KILL \(seconds) \(quoted) <\(input) >.out 2>.err); echo $?")
        let status = Int32(output.split(separator: "\n").last.map(String.init) ?? "") ?? -1
        let result = CommandResult(
            status: status, stdout: readFile(directory + "/.out") ?? "", stderr: readFile(directory + "/.err") ?? "")
        unlink(directory + "/.out")
        unlink(directory + "/.err")
        return result
    }

    /// Runs a shell command line in `directory` (to build large inputs with `yes`, `head`, `tr`).
    static func shell(_ command: String, in directory: String) {
        _ = HostdevBinary.shell("cd \(quote(directory)) && \(command)")
    }

    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences("'", "'\\''") + "'" }

    /// Writes bytes to a file.
    static func write(_ bytes: [UInt8], to path: String) {
        guard let file = fopen(path, "wb") else { return }
        _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
    }
}
