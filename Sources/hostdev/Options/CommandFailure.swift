import ArgumentParser
import Hostdev

#if canImport(Glibc)
    import Glibc
#endif

/// A failure that ends a command with one of the documented exit codes and a message on stderr.
enum CommandFailure: Error {
    /// 1: the operation was refused for a reason the output names.
    case refused(String)
    /// 2: bad input or usage.
    case usage(String)
    /// 3: the host or libvirt failed.
    case host(String)

    /// A file that could not be written: 1 when refused for what it is, 2 when an input to edit is not
    /// there, 3 when a call failed.
    static func writing(_ error: AtomicFile.WriteError) -> CommandFailure {
        switch error.code {
        case .refused: .refused(error.description)
        case .notFound: .usage(error.description)
        case .failed: .host(error.description)
        }
    }

    var exitCode: Int32 {
        switch self {
        case .refused: 1
        case .usage: 2
        case .host: 3
        }
    }

    var message: String {
        switch self {
        case .refused(let text), .usage(let text), .host(let text): text
        }
    }
}

/// Writes a line (or, with `newline: false`, text as it is) to standard error.
func printError(_ text: String, newline: Bool = true) {
    var line = text
    if newline && !line.hasSuffix("\n") { line += "\n" }
    var bytes = Array(line.utf8)
    _ = write(2, &bytes, bytes.count)
}

extension ParsableCommand {
    /// Runs a command body, turning ``CommandFailure`` into its message and exit code.
    func reportingFailures(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as CommandFailure {
            printError("hostdev: " + TerminalText.escapedLines(failure.message))
            throw ExitCode(failure.exitCode)
        }
    }
}
