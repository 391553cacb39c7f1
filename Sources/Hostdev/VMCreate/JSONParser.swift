/// A strict JSON reader (RFC 8259) for vmCreate parameters: every error names its line and column,
/// and a key given twice in one object is an error (VDSM's Python would silently keep the last).
struct JSONParser {
    /// Why the text is not JSON, and where.
    struct Failure: Error, Equatable {
        var reason: String
        var line: Int
        var column: Int
    }

    /// The deepest nesting accepted (vmCreate parameters nest a handful of levels).
    static let maxDepth = 128

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses one JSON value filling the whole text (white space around it aside).
    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.failure("unexpected text after the JSON value") }
        return value
    }

    // MARK: - Positions

    /// The 1-based column (in Unicode scalars) of an offset on the current line.
    private func column(of offset: Int) -> Int {
        bytes[lineStart..<min(offset, bytes.count)].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
    }

    private func failure(_ reason: String, at offset: Int? = nil) -> Failure {
        Failure(reason: reason, line: line, column: column(of: offset ?? index))
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = current {
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                lineStart = index + 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
            default: return
            }
            index += 1
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
        guard current == byte else { throw failure(current == nil ? "unexpected end: \(what)" : what) }
        index += 1
    }

    // MARK: - Values

    private mutating func value(depth: Int) throws(Failure) -> JSONValue {
        guard depth < Self.maxDepth else { throw failure("nested deeper than \(Self.maxDepth) levels") }
        switch current {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case nil: throw failure("unexpected end: expected a value")
        case let byte?:
            guard byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else {
                throw failure("expected a value")
            }
            return try number()
        }
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(Failure) -> JSONValue {
        let text = Array(word.utf8)
        guard bytes[index...].starts(with: text) else { throw failure("expected a value") }
        index += text.count
        return value
    }

    private mutating func object(depth: Int) throws(Failure) -> JSONValue {
        var members: [String: JSONValue] = [:]
        try items(closedBy: UInt8(ascii: "}"), "an object member") { parser throws(Failure) in
            let keyStart = parser.index
            guard parser.current == UInt8(ascii: "\"") else {
                throw parser.failure(
                    parser.current == nil ? "unexpected end: expected a key" : "expected a key in double quotes")
            }
            let key = try parser.string()
            guard members[key] == nil else {
                throw parser.failure(
                    "duplicate key '\(TerminalText.escaped(key))' (given twice in one object)", at: keyStart)
            }
            parser.skipWhitespace()
            try parser.expect(UInt8(ascii: ":"), "expected ':' after a key")
            parser.skipWhitespace()
            members[key] = try parser.value(depth: depth + 1)
        }
        return .object(members)
    }

    private mutating func array(depth: Int) throws(Failure) -> JSONValue {
        var elements: [JSONValue] = []
        try items(closedBy: UInt8(ascii: "]"), "an array element") { parser throws(Failure) in
            elements.append(try parser.value(depth: depth + 1))
        }
        return .array(elements)
    }

    /// Reads `[item, item, …]` or `{item, …}`, the opening bracket being current.
    private mutating func items(
        closedBy close: UInt8, _ name: String, _ item: (inout JSONParser) throws(Failure) -> Void
    ) throws(Failure) {
        index += 1
        skipWhitespace()
        if current == close {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            try item(&self)
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(close, "expected ',' or '\(Character(Unicode.Scalar(close)))' after \(name)")
            return
        }
    }

    private mutating func number() throws(Failure) -> JSONValue {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        guard digits() > 0 else { throw failure("expected a digit") }
        if index - integerStart > 1 && bytes[integerStart] == UInt8(ascii: "0") {
            throw failure("a number does not start with 0", at: start)
        }
        if current == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw failure("expected a digit after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw failure("expected a digit in the exponent") }
        }
        guard let number = Double(String(decoding: bytes[start..<index], as: UTF8.self)), number.isFinite else {
            throw failure("number out of range", at: start)
        }
        return .number(number)
    }

    private mutating func digits() -> Int {
        let start = index
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
        return index - start
    }

    private mutating func string() throws(Failure) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flush(_ end: Int) throws(Failure) {
            guard runStart < end else { return }
            guard let text = String(validating: bytes[runStart..<end], as: UTF8.self) else {
                throw failure("invalid UTF-8 in a string", at: runStart)
            }
            scalars.append(contentsOf: text.unicodeScalars)
        }
        while let byte = current {
            switch byte {
            case UInt8(ascii: "\""):
                try flush(index)
                index += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                try flush(index)
                scalars.append(try escape())
                runStart = index
            case 0..<0x20:
                throw failure("a control character in a string (write it as an escape)")
            default:
                index += 1
            }
        }
        throw failure("unexpected end: a string is not closed")
    }

    /// Reads `\X` or `\uXXXX` (a surrogate pair as two), the backslash being current.
    private mutating func escape() throws(Failure) -> Unicode.Scalar {
        let start = index
        index += 1
        guard let byte = current else { throw failure("unexpected end: a string is not closed") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try hex4(start)
            if (0xD800..<0xDC00).contains(high) {
                guard bytes[index...].starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) else {
                    throw failure("an unpaired surrogate in a \\u escape", at: start)
                }
                index += 2
                let low = try hex4(start)
                guard (0xDC00..<0xE000).contains(low) else {
                    throw failure("an unpaired surrogate in a \\u escape", at: start)
                }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(high) else {
                throw failure("an unpaired surrogate in a \\u escape", at: start)
            }
            return scalar
        default:
            throw failure("unknown escape in a string", at: start)
        }
    }

    private mutating func hex4(_ start: Int) throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count,
            let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16),
            bytes[index..<index + 4].allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") })
        else { throw failure("a \\u escape needs four hex digits", at: start) }
        index += 4
        return value
    }
}
