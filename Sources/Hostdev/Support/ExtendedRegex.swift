#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A POSIX extended regular expression, compiled once by the C library's `regcomp` and matched
/// with `regexec` against one line of bytes.
///
/// The C library's matcher reads a multi-megabyte log in a fraction of a second where Swift's
/// `Regex` takes many seconds; `hostdev explain` runs a dozen patterns over every line.
/// Matching never changes the compiled pattern, so one value is shared between tasks.
final class ExtendedRegex: @unchecked Sendable {
    private let compiled = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)

    /// Compiles `pattern` (POSIX ERE: `[0-9]`, `[^[:space:]]`, no `\d` or `\S`).
    init(_ pattern: String) {
        compiled.initialize(to: regex_t())
        let status = regcomp(compiled, pattern, REG_EXTENDED)
        precondition(status == 0, "invalid built-in pattern \(pattern)")
    }

    deinit {
        regfree(compiled)
        compiled.deallocate()
    }

    /// Whether `line`, NUL-terminated, contains a match.
    func matches(_ line: [UInt8]) -> Bool {
        run(line, groups: 0) != nil
    }

    /// The groups of the first match in `line`, NUL-terminated, the whole match first; `nil` when
    /// nothing matches. A group that took no part in the match is `nil`.
    func firstMatch(in line: [UInt8]) -> [String?]? {
        run(line, groups: Int(compiled.pointee.re_nsub) + 1)?.map { group in
            guard group.rm_so >= 0, group.rm_so <= group.rm_eo else { return nil }
            return String(decoding: line[Int(group.rm_so)..<Int(group.rm_eo)], as: UTF8.self)
        }
    }

    private func run(_ line: [UInt8], groups count: Int) -> [regmatch_t]? {
        precondition(line.last == 0, "a line given to regexec must end with NUL")
        var groups = [regmatch_t](repeating: regmatch_t(), count: count)
        let status = line.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { regexec(compiled, $0.baseAddress, count, &groups, 0) }
        }
        return status == 0 ? groups : nil
    }
}
