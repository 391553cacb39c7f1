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
///
/// Whether a line contains a match is decided in one forward pass over it, whatever the pattern:
/// the pattern is also compiled as `^.*(pattern)`, which `regexec` runs as one automaton from the
/// line's first byte. A search for the pattern itself starts over at every byte that could begin a
/// match, and a `.*` reads from there to the end of the line: `Device .* not found` takes time
/// quadratic in the length of a line of `Device Device …`. Only ``firstMatch(in:)``, which needs
/// the leftmost match's groups, searches that way.
///
/// Patterns are compiled and matched in the POSIX locale, whatever locale the process has set (a
/// Python program embedding the library has set its user's): a pattern reads bytes, and a line
/// that is not valid UTF-8 matches as it does for the command line.
final class ExtendedRegex: @unchecked Sendable {
    /// The pattern as given, for its groups; `nil` for a regex that only answers ``matches(_:)``.
    private let compiled: UnsafeMutablePointer<regex_t>?
    /// `^.*(pattern)`, without groups.
    private let anywhere = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)

    /// Compiles `pattern` (POSIX ERE: `[0-9]`, `[^[:space:]]`, no `\d` or `\S`, no back-references);
    /// with `groups: false` the regex only answers ``matches(_:)``.
    init(_ pattern: String, groups: Bool = true) {
        let bytes = Array(pattern.utf8)
        precondition(
            !zip(bytes, bytes.dropFirst()).contains { $0 == UInt8(ascii: "\\") && (0x31...0x39).contains($1) },
            "a back-reference in built-in pattern \(pattern)")
        anywhere.initialize(to: regex_t())
        Self.compile(anywhere, "^.*(\(pattern))", REG_EXTENDED | REG_NOSUB)
        if groups {
            let compiled = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
            compiled.initialize(to: regex_t())
            Self.compile(compiled, pattern, REG_EXTENDED)
            self.compiled = compiled
        } else {
            compiled = nil
        }
    }

    deinit {
        regfree(anywhere)
        anywhere.deallocate()
        if let compiled {
            regfree(compiled)
            compiled.deallocate()
        }
    }

    /// Whether `line`, NUL-terminated, contains a match: one pass over the line.
    func matches(_ line: [UInt8]) -> Bool {
        Self.execute(anywhere, line, groups: 0) != nil
    }

    /// The groups of the first match in `line`, NUL-terminated, the whole match first; `nil` when
    /// nothing matches. A group that took no part in the match is `nil`.
    ///
    /// The search tries every byte that could begin a match in turn, so a pattern with a `.*` can
    /// read the rest of the line from each of them; keep `.*` out of patterns whose groups are read.
    func firstMatch(in line: [UInt8]) -> [String?]? {
        guard let compiled else { preconditionFailure("a regex compiled without its groups") }
        return Self.execute(compiled, line, groups: Int(compiled.pointee.re_nsub) + 1)?.map { group in
            guard group.rm_so >= 0, group.rm_so <= group.rm_eo else { return nil }
            return String(decoding: line[Int(group.rm_so)..<Int(group.rm_eo)], as: UTF8.self)
        }
    }

    /// The POSIX locale, for this thread only while a pattern is compiled or matched.
    private nonisolated(unsafe) static let posixLocale: locale_t = {
        guard let locale = newlocale(1 << LC_CTYPE, "C", nil) else {
            preconditionFailure("the POSIX locale is unavailable")
        }
        return locale
    }()

    private static func inPOSIXLocale<Result>(_ body: () -> Result) -> Result {
        let previous = uselocale(posixLocale)
        defer { uselocale(previous) }
        return body()
    }

    private static func compile(_ regex: UnsafeMutablePointer<regex_t>, _ pattern: String, _ flags: Int32) {
        let status = inPOSIXLocale { regcomp(regex, pattern, flags) }
        precondition(status == 0, "invalid built-in pattern \(pattern)")
    }

    private static func execute(
        _ regex: UnsafeMutablePointer<regex_t>, _ line: [UInt8], groups count: Int
    ) -> [regmatch_t]? {
        precondition(line.last == 0, "a line given to regexec must end with NUL")
        var groups = [regmatch_t](repeating: regmatch_t(), count: count)
        let status = line.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { text in
                inPOSIXLocale { regexec(regex, text.baseAddress, count, &groups, 0) }
            }
        }
        return status == 0 ? groups : nil
    }
}
