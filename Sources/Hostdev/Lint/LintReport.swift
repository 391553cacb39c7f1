import FoundationEssentials

/// Every finding of a lint run, per file, with the three output forms.
public struct LintReport: Sendable {
    /// One result per file, in the order the files were given.
    public var files: [FileResult]
    /// Whether a host inventory was given (host rules ran).
    public var hostChecked: Bool

    /// Every finding, file by file.
    public var diagnostics: [Diagnostic] { files.flatMap(\.diagnostics) }

    /// How many findings of a severity.
    public func count(_ severity: Diagnostic.Severity) -> Int { diagnostics.filter { $0.severity == severity }.count }

    /// Whether any error was found (exit 1), or a file could not be read.
    public var hasErrors: Bool {
        count(.error) > 0 || files.contains { if case .unreadable = $0.status { true } else { false } }
    }

    /// The files whose status is of one kind (`linted`, `skipped`, `not-regular`, `unreadable`).
    func count(status: String) -> Int { files.filter { $0.status.name == status }.count }

    /// The closing summary line.
    public var summaryLine: String {
        let linted = count(status: "linted")
        let skipped = count(status: "skipped")
        let notRegular = count(status: "not-regular")
        let unreadable = count(status: "unreadable")
        var line = "\(files.count) file\(files.count == 1 ? "" : "s"): \(linted) linted"
        if skipped > 0 { line += ", \(skipped) skipped (not a <domain>)" }
        if notRegular > 0 { line += ", \(notRegular) passed over (not a regular file)" }
        if unreadable > 0 { line += ", \(unreadable) unreadable" }
        line +=
            "; \(count(.error)) error\(count(.error) == 1 ? "" : "s"), \(count(.warning)) warning\(count(.warning) == 1 ? "" : "s")"
        if !hostChecked { line += "; host rules skipped (no host source)" }
        return line
    }

    /// `FILE:LINE:COLUMN: severity: message [ID]` lines, skipped files as notes, and the summary line.
    ///
    /// Control characters from the inputs (file names, element names, messages) are escaped, so
    /// each finding is one line and nothing a file holds reaches the terminal raw.
    /// - Parameter render: how a fix-it reads (its words, unless the caller renders its action too).
    public func text(color: Bool = false, fixIt render: (FixIt) -> String = \.message) -> String {
        var lines: [String] = []
        for file in files {
            if let note = file.status.note { lines.append(TerminalText.escaped("\(file.file): \(note)")) }
            for diagnostic in file.diagnostics {
                var line = TerminalText.escaped(diagnostic.description)
                if color {
                    let code = diagnostic.severity == .error ? "31" : diagnostic.severity == .warning ? "33" : "36"
                    line = line.replacingFirst(
                        ": \(diagnostic.severity.rawValue): ",
                        with: ": \u{1B}[1;\(code)m\(diagnostic.severity.rawValue)\u{1B}[0m: ")
                }
                lines.append(line)
                if let fixIt = diagnostic.fixIt { lines.append("  fix: " + TerminalText.escapedLines(render(fixIt))) }
            }
        }
        lines.append(summaryLine)
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"diagnostics": [...], "summary": {...}}`.
    public func json() -> String {
        struct Entry: Encodable {
            var file: String
            var line: Int?
            var column: Int?
            var severity: String
            var rule: String
            var message: String
        }
        struct PerFile: Encodable {
            var file: String
            var status: String
            var root: String?
            var errors: Int
            var warnings: Int
        }
        struct Summary: Encodable {
            var files: Int
            var linted: Int
            var skipped: Int
            var notRegular: Int
            var unreadable: Int
            var errors: Int
            var warnings: Int
            var notes: Int
            var hostChecked: Bool
            var perFile: [PerFile]
        }
        struct Document: Encodable {
            var diagnostics: [Entry]
            var summary: Summary
        }
        let perFile = files.map { file -> PerFile in
            let root: String? = if case .skipped(let root) = file.status { root } else { nil }
            return PerFile(
                file: file.file, status: file.status.name, root: root,
                errors: file.diagnostics.filter { $0.severity == .error }.count,
                warnings: file.diagnostics.filter { $0.severity == .warning }.count)
        }
        let document = Document(
            diagnostics: diagnostics.map {
                Entry(
                    file: $0.file ?? "", line: $0.line, column: $0.column, severity: $0.severity.rawValue,
                    rule: $0.rule, message: $0.message)
            },
            summary: Summary(
                files: files.count, linted: count(status: "linted"), skipped: count(status: "skipped"),
                notRegular: count(status: "not-regular"), unreadable: count(status: "unreadable"),
                errors: count(.error),
                warnings: count(.warning), notes: count(.note), hostChecked: hostChecked, perFile: perFile))
        return PrettyJSON.encode(document)
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        var parts = split(separator: target, maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return self }
        let rest = parts.removeLast()
        return String(parts[0]) + replacement + String(rest)
    }
}

extension FileResult.Status {
    /// `linted`, `skipped`, `not-regular` or `unreadable`, as JSON writes it.
    var name: String {
        switch self {
        case .linted: "linted"
        case .skipped: "skipped"
        case .notRegular: "not-regular"
        case .unreadable: "unreadable"
        }
    }

    /// What the text output says about a file that was not linted (`note: …` or `error: …`).
    var note: String? {
        switch self {
        case .linted: nil
        case .skipped(let root): "note: skipped: root element is <\(root)>, not <domain>"
        case .notRegular(let reason): "note: passed over: \(reason)"
        case .unreadable(let reason): "error: cannot read: \(reason)"
        }
    }
}
