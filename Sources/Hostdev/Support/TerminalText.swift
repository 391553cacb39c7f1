/// Text that came from an input (file names, device strings, log lines) made safe to print on one
/// line of a terminal: control characters are written as escapes, so none can move the cursor,
/// change colours, ring the bell or start a line that looks like a finding of its own.
public enum TerminalText {
    /// `text` with every C0 and C1 control character, DEL and bidirectional override written as an
    /// escape (`\n`, `\t`, `\r`, `\x1b`, `\u{202e}`); everything else is left as it is.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                let hex = String(scalar.value, radix: 16)
                result +=
                    scalar.value < 0x100 ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex : "\\u{\(hex)}"
            }
        }
        return result
    }

    /// Each line of `text` escaped on its own, the line breaks kept: for multi-line output whose
    /// lines the program itself wrote.
    public static func escapedLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { escaped(String($0)) }.joined(
            separator: "\n")
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
