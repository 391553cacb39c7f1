import Hostdev

/// `FILE:LINE:COLUMN: severity: message [rule]`, and the fix-it on its own line.
enum DiagnosticText {
    static func render(_ diagnostic: Diagnostic, host: HostOptions? = nil) -> String {
        var text = diagnostic.description
        if let fixIt = diagnostic.fixIt { text += "\n  fix: " + FixItText.render(fixIt, host: host) }
        for note in diagnostic.notes { text += "\n  note: " + note }
        return text
    }
}
