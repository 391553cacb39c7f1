import FoundationEssentials

/// The whole plan, for programs: what was added, kept and held back, the groups checked, and findings.
public struct TransformReport: Sendable, Encodable {
    /// One IOMMU group the transform checked.
    public struct Group: Sendable, Encodable, Equatable {
        /// The group number.
        public var number: Int
        /// Every member.
        public var members: [String]
        /// The members this domain takes.
        public var assigned: [String]
        /// The members held as placeholders.
        public var placeholders: [String]
    }

    /// One finding, flattened.
    public struct Finding: Sendable, Encodable, Equatable {
        public var severity: String
        public var rule: String
        public var message: String
        public var file: String?
        public var line: Int?
        public var column: Int?
        public var fixIt: FixIt?
    }

    /// Devices the transform added, in order.
    public var added: [String]
    /// Of those, devices added to complete a group, with the group.
    public var addedForGroups: [String: Int]
    /// Requested devices already in the domain with the same settings.
    public var kept: [String]
    /// Placeholders: detached for a group's sake, not given to the guest.
    public var placeholders: [String]
    /// The IOMMU groups checked.
    public var groups: [Group]
    /// Whether the result may be migrated.
    public var migratable: Bool
    /// Whether the transform succeeded (no errors).
    public var succeeded: Bool
    /// Every finding.
    public var diagnostics: [Finding]

    /// The report as pretty-printed JSON with sorted keys.
    public func json() -> String {
        return PrettyJSON.encode(self)
    }
}

extension TransformReport.Finding {
    init(_ diagnostic: Diagnostic) {
        self.init(
            severity: diagnostic.severity.rawValue, rule: diagnostic.rule, message: diagnostic.message,
            file: diagnostic.file, line: diagnostic.line, column: diagnostic.column, fixIt: diagnostic.fixIt)
    }
}
