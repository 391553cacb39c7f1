#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A POSIX extended regular expression, compiled once by the C library's `regcomp` and matched
/// with `regexec`.
///
/// The C library's matcher reads a multi-megabyte log in a fraction of a second where Swift's
/// `Regex` takes many seconds; `hostdev explain` runs a dozen patterns over every line.
/// Matching never changes the compiled pattern, so one value is shared between tasks.
final class ExtendedRegex: @unchecked Sendable {
    private let compiled = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
    private let captures: Bool

    /// Compiles `pattern` (POSIX ERE: `[0-9]`, `[^[:space:]]`, no `\d` or `\S`).
    /// - Parameter captures: whether matches report their groups; without, the matcher may take
    ///   its faster path.
    init(_ pattern: String, captures: Bool = true) {
        self.captures = captures
        let flags = REG_EXTENDED | (captures ? 0 : REG_NOSUB)
        compiled.initialize(to: regex_t())
        let status = regcomp(compiled, pattern, flags)
        precondition(status == 0, "invalid built-in pattern \(pattern)")
    }

    deinit {
        regfree(compiled)
        compiled.deallocate()
    }

    /// Whether `text` contains a match.
    func matches(_ text: String) -> Bool {
        text.withCString { matches(cString: $0) }
    }

    /// Whether the NUL-terminated `cString` contains a match.
    func matches(cString: UnsafePointer<CChar>) -> Bool {
        regexec(compiled, cString, 0, nil, 0) == 0
    }

    /// The groups of the first match in `text`, the whole match first; `nil` when nothing matches.
    /// A group that took no part in the match is `nil`.
    func firstMatch(in text: String) -> [String?]? {
        precondition(captures, "the pattern was compiled without captures")
        let count = Int(compiled.pointee.re_nsub) + 1
        var groups = [regmatch_t](repeating: regmatch_t(), count: count)
        guard regexec(compiled, text, count, &groups, 0) == 0 else { return nil }
        let bytes = Array(text.utf8)
        return groups.map { group in
            guard group.rm_so >= 0, group.rm_eo >= group.rm_so, Int(group.rm_eo) <= bytes.count else { return nil }
            return String(decoding: bytes[Int(group.rm_so)..<Int(group.rm_eo)], as: UTF8.self)
        }
    }
}
