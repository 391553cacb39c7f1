#if canImport(Glibc)
    import Glibc
#endif

/// Runs the built `hostdev` executable, for end-to-end tests of exit codes, stdout and stderr.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum HostdevBinary {
    /// The executable beside the test bundle (`.build/debug/hostdev`).
    static var path: String {
        var candidates: [String] = []
        if let value = getenv("HOSTDEV_BINARY") { candidates.append(String(cString: value)) }
        // The test bundle runs from the build products folder.
        let executable = (try? String(decoding: readlinkBytes("/proc/self/exe"), as: UTF8.self)) ?? ""
        if let slash = executable.lastIndex(of: "/") {
            candidates.append(String(executable[..<slash]) + "/hostdev")
        }
        candidates.append(Repository.root + "/.build/debug/hostdev")
        return candidates.first { access($0, X_OK) == 0 } ?? candidates.last!
    }

    private static func readlinkBytes(_ path: String) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count)
        guard count > 0 else { throw FixtureError.cannotWrite(path) }
        return Array(buffer[0..<count])
    }

    /// Runs `hostdev ARGS`, feeding `stdin`, and captures everything.
    static func run(
        _ arguments: [String], stdin: String = "", environment: [String: String] = [:], directory: String? = nil
    ) -> CommandResult {
        let workingDirectory = directory
        return withScratchDirectory("run") { directory in
            let input = directory + "/stdin"
            try? stdin.write(toFile: input)
            let quoted = ([path] + arguments).map { "'" + $0.replacingOccurrences("'", "'\\''") + "'" }
            let assignments = environment.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
            // A working directory for the child alone: tests run in parallel, so never chdir here.
            let cd = workingDirectory.map { "cd '\($0.replacingOccurrences("'", "'\\''"))' && " } ?? ""
            let command =
                "\(cd)\(assignments) \(quoted.joined(separator: " ")) <'\(input)' >'\(directory)/out' 2>'\(directory)/err'"
            let status = system(command)
            let exit = (status >> 8) & 0xff
            return CommandResult(
                status: exit, stdout: readFile(directory + "/out") ?? "", stderr: readFile(directory + "/err") ?? "")
        }
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

extension HostdevBinary {
    /// Runs a shell command line and returns its standard output.
    static func shell(_ command: String) -> String {
        guard let pipe = popen(command, "r") else { return "" }
        defer { pclose(pipe) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, pipe)
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
