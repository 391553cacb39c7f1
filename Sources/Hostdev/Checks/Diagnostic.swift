import LibXML

/// A finding: data, never thrown. Rules, the transform, the linter and the doctor all report these.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    /// How serious a finding is.
    public enum Severity: String, Sendable, Comparable, CaseIterable {
        case note, warning, error

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// How serious it is.
    public var severity: Severity
    /// The stable kebab-case id of the rule that found it (`iommu-group-incomplete`).
    public var rule: String
    /// One sentence, naming the devices involved.
    public var message: String
    /// The file, when there is one (`-` for standard input).
    public var file: String?
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// What to do about it, when there is something to do.
    public var fixIt: FixIt?
    /// Further lines of context.
    public var notes: [String]

    /// Creates a finding.
    public init(
        _ severity: Severity, rule: String, _ message: String, file: String? = nil, line: Int? = nil,
        column: Int? = nil, fixIt: FixIt? = nil, notes: [String] = []
    ) {
        self.severity = severity
        self.rule = rule
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.fixIt = fixIt
        self.notes = notes
    }

    /// `FILE:LINE:COLUMN: severity: message [rule]`, leaving out what is unknown.
    public var description: String {
        SourcePlace.prefix(file: file, line: line, column: column) + "\(severity.rawValue): \(message) [\(rule)]"
    }
}
