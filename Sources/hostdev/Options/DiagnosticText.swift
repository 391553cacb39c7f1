import Hostdev

/// `FILE:LINE:COLUMN: severity: message [rule]`, and the fix-it on its own line.
enum DiagnosticText {
    static func render(_ diagnostic: Diagnostic) -> String {
        var text = diagnostic.description
        if let fixIt = diagnostic.fixIt { text += "\n  fix: " + fixIt }
        for note in diagnostic.notes { text += "\n  note: " + note }
        return text
    }
}
