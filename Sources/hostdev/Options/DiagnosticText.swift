import Hostdev

/// `FILE:LINE:COLUMN: severity: message [rule]`, and the fix-it on its own line.
///
/// Every part is escaped for the terminal (``TerminalText``): a control character in a file name,
/// a device string or a message can neither drive the terminal nor start a line of its own.
enum DiagnosticText {
    static func render(_ diagnostic: Diagnostic, host: HostOptions? = nil) -> String {
        var text = TerminalText.escaped(diagnostic.description)
        if let fixIt = diagnostic.fixIt {
            text += "\n  fix: " + TerminalText.escapedLines(FixItText.render(fixIt, host: host))
        }
        for note in diagnostic.notes { text += "\n  note: " + TerminalText.escaped(note) }
        return text
    }
}
