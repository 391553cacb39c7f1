/// One check of `hostdev doctor`: its status, the evidence it read, and what to run about it.
public struct DoctorCheck: Sendable, Equatable, Encodable {
    /// A check's outcome.
    public enum Status: String, Sendable, Encodable, Comparable {
        case ok, unknown, warning, error

        public static func < (lhs: Status, rhs: Status) -> Bool {
            [Status.ok, .unknown, .warning, .error].firstIndex(of: lhs)! < [Status.ok, .unknown, .warning, .error]
                .firstIndex(of: rhs)!
        }
    }

    /// What was checked, in a few words.
    public var name: String
    /// The outcome.
    public var status: Status
    /// What was read, one line each.
    public var evidence: [String]
    /// What to run or change, when something is wrong.
    public var fixIt: FixIt?

    /// Creates a check result.
    public init(_ name: String, _ status: Status, evidence: [String], fixIt: FixIt? = nil) {
        self.name = name
        self.status = status
        self.evidence = evidence
        self.fixIt = fixIt
    }

    /// A finding of a catalogue rule about a device, as a failed check.
    init(_ finding: Diagnostic, device: String) {
        self.init(
            "\(device) [\(finding.rule)]", finding.severity == .error ? .error : .warning,
            evidence: [finding.message] + finding.notes, fixIt: finding.fixIt)
    }

    /// A check the source cannot answer.
    static func unknown(_ name: String, _ what: String) -> DoctorCheck {
        DoctorCheck(
            name, .unknown,
            evidence: ["\(what) is unknown from this source; run doctor on the host itself, reading its sysfs"])
    }
}
