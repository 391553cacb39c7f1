/// Writes JSON text in ``PrettyJSON``'s form.
struct JSONOutput {
    private(set) var bytes: [UInt8] = []
    /// How many containers are open.
    private var depth = 0

    /// The text written so far.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Writes a value.
    mutating func write(_ tree: JSONTree) {
        switch tree {
        case .null: append("null")
        case .literal(let text): appendRaw(text)
        case .string(let text): writeString(text)
        case .array(let box):
            open(UInt8(ascii: "["))
            for (index, item) in box.items.enumerated() {
                startElement(first: index == 0)
                write(item)
            }
            close(UInt8(ascii: "]"))
        case .object(let box):
            open(UInt8(ascii: "{"))
            for (index, member) in Self.sortedMembers(box.members).enumerated() {
                startElement(first: index == 0)
                writeKey(member.key)
                write(member.value)
            }
            close(UInt8(ascii: "}"))
        }
    }

    /// Members sorted by the UTF-8 bytes of their keys; of a key encoded twice, the last value.
    static func sortedMembers(_ members: [(key: String, value: JSONTree)]) -> [(key: String, value: JSONTree)] {
        guard members.count > 1 else { return members }
        let order = members.indices.sorted { left, right in
            let (a, b) = (members[left].key.utf8, members[right].key.utf8)
            return a.lexicographicallyPrecedes(b) || (a.elementsEqual(b) && left < right)
        }
        var result: [(key: String, value: JSONTree)] = []
        result.reserveCapacity(members.count)
        for index in order {
            if let last = result.last, last.key.utf8.elementsEqual(members[index].key.utf8) {
                result[result.count - 1] = members[index]
            } else {
                result.append(members[index])
            }
        }
        return result
    }

    /// Opens an array or object: the bracket and a new line.
    mutating func open(_ bracket: UInt8) {
        bytes.append(bracket)
        bytes.append(UInt8(ascii: "\n"))
        depth += 1
    }

    /// Before an element or member: a comma after the one before, then the indentation.
    mutating func startElement(first: Bool) {
        if !first {
            bytes.append(UInt8(ascii: ","))
            bytes.append(UInt8(ascii: "\n"))
        }
        indent()
    }

    /// A member's key and the separator after it.
    mutating func writeKey(_ key: String) {
        writeString(key)
        append(" : ")
    }

    /// Closes an array or object on a line of its own (an empty one is a bracket, an empty line
    /// and the closing bracket).
    mutating func close(_ bracket: UInt8) {
        depth -= 1
        bytes.append(UInt8(ascii: "\n"))
        indent()
        bytes.append(bracket)
    }

    private mutating func indent() {
        for _ in 0..<depth {
            bytes.append(UInt8(ascii: " "))
            bytes.append(UInt8(ascii: " "))
        }
    }

    /// Text written as it is (numbers, `true`).
    mutating func appendRaw(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A string in quotes: `"` and `\` escaped, control characters as `\n`, `\t`, … or `\u00XX`;
    /// everything else (slashes, non-ASCII) as it is.
    mutating func writeString(_ text: String) {
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
