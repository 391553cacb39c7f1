#if canImport(Glibc)
    import Glibc
#endif

/// Writes JSON text in ``PrettyJSON``'s form.
struct JSONOutput {
    private(set) var bytes: [UInt8] = []
    /// How many containers are open.
    private var depth = 0
    /// Whether a value was written since the innermost container opened.
    private var needsComma = false

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// The text written so far.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Writes a value.
    mutating func write(_ tree: JSONTree) {
        switch tree {
        case .null: literal("null")
        case .literal(let text): literal(text)
        case .string(let text): string(text)
        case .array(let box):
            openArray()
            for item in box.items {
                element()
                write(item)
            }
            closeArray()
        case .object(let box):
            openObject()
            for member in Self.sortedMembers(box.members) {
                key(member.key)
                write(member.value)
            }
            closeObject()
        }
    }

    /// Members sorted by the UTF-8 bytes of their keys; of a key encoded twice, the last value.
    static func sortedMembers(_ members: [(key: String, value: JSONTree)]) -> [(key: String, value: JSONTree)] {
        guard members.count > 1 else { return members }
        let order = members.indices.sorted { left, right in
            let (a, b) = (members[left].key, members[right].key)
            return a.utf8Precedes(b) || (!b.utf8Precedes(a) && left < right)
        }
        var result: [(key: String, value: JSONTree)] = []
        result.reserveCapacity(members.count)
        for index in order {
            if let last = result.last, !last.key.utf8Precedes(members[index].key) {
                result[result.count - 1] = members[index]
            } else {
                result.append(members[index])
            }
        }
        return result
    }

    /// Opens an object; members follow, each a ``key(_:)`` and a value, in the order they are to be
    /// written (sorted by their keys' UTF-8 bytes).
    mutating func openObject() { open(UInt8(ascii: "{")) }

    /// Closes an object.
    mutating func closeObject() { close(UInt8(ascii: "}")) }

    /// Opens an array; elements follow, each an ``element()`` and a value.
    mutating func openArray() { open(UInt8(ascii: "[")) }

    /// Closes an array.
    mutating func closeArray() { close(UInt8(ascii: "]")) }

    /// Starts a member: its key and the separator before its value.
    mutating func key(_ key: String) {
        element()
        writeString(key)
        append(" : ")
    }

    /// Starts an array element (or a member): a comma after the one before, then the indentation.
    mutating func element() {
        if needsComma {
            bytes.append(UInt8(ascii: ","))
            bytes.append(UInt8(ascii: "\n"))
        }
        indent()
    }

    /// A string value.
    mutating func string(_ text: String) {
        writeString(text)
        needsComma = true
    }

    /// A value written as it is (a number, `true`, `null`).
    mutating func literal(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
        needsComma = true
    }

    /// The bracket and a new line.
    private mutating func open(_ bracket: UInt8) {
        bytes.append(bracket)
        bytes.append(UInt8(ascii: "\n"))
        depth += 1
        needsComma = false
    }

    /// The closing bracket on a line of its own (an empty container is a bracket, an empty line and
    /// the closing bracket).
    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        bytes.append(UInt8(ascii: "\n"))
        indent()
        bytes.append(bracket)
        needsComma = true
    }

    private mutating func indent() {
        for _ in 0..<depth {
            bytes.append(UInt8(ascii: " "))
            bytes.append(UInt8(ascii: " "))
        }
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A string in quotes: `"` and `\` escaped, control characters as `\n`, `\t`, … or `\u00XX`;
    /// everything else (slashes, non-ASCII) as it is.
    private mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { source in
            var start = 0
            for (index, byte) in source.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[start..<index]))
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case 0x22, 0x5C: bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    let digits: StaticString = "0123456789abcdef"
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    bytes.append(digits.utf8Start[Int(byte >> 4)])
                    bytes.append(digits.utf8Start[Int(byte & 0xF)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension JSONOutput {
    /// A member with a string value, or nothing for `nil` (as an encoded optional is left out).
    mutating func member(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    /// A member with a number, or nothing for `nil`.
    mutating func member(_ name: String, _ value: Int?) {
        guard let value else { return }
        key(name)
        literal(String(value))
    }

    /// A member holding an array of strings, or nothing for `nil`.
    mutating func member(_ name: String, _ values: [String]?) {
        guard let values else { return }
        key(name)
        openArray()
        for value in values {
            element()
            string(value)
        }
        closeArray()
    }

    /// A member holding an object of strings (keys sorted here), or nothing for `nil`.
    mutating func member(_ name: String, _ values: [String: String]?) {
        guard let values else { return }
        key(name)
        object(values) { output, value in output.string(value) }
    }

    /// An object of a dictionary's values, keys sorted by their UTF-8 bytes, each value written by
    /// `write`.
    mutating func object<Value>(_ values: [String: Value], _ write: (inout JSONOutput, Value) -> Void) {
        openObject()
        // Sorting the keys, not the pairs, moves no value (a listing's entries are large).
        for key in values.keys.sorted(by: { $0.utf8Precedes($1) }) {
            self.key(key)
            write(&self, values[key]!)
        }
        closeObject()
    }
}

extension String {
    /// Whether this string's UTF-8 bytes sort before `other`'s (the order of JSON keys).
    func utf8Precedes(_ other: String) -> Bool {
        var (left, right) = (self, other)
        return left.withUTF8 { a in
            right.withUTF8 { b in
                let common = min(a.count, b.count)
                let order = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
                return order != 0 ? order < 0 : a.count < b.count
            }
        }
    }
}
