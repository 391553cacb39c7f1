/// SARIF 2.1.0, for code review tools.
extension LintReport {
    /// The report as a SARIF 2.1.0 log with one run.
    public func sarif() -> String {
        struct Text: Encodable { var text: String }
        struct Configuration: Encodable { var level: String }
        struct Rule: Encodable {
            var id: String
            var shortDescription: Text
            var fullDescription: Text
            var defaultConfiguration: Configuration
        }
        struct Driver: Encodable {
            var name = "hostdev"
            var informationUri = "https://hostdev.dev"
            var rules: [Rule]
        }
        struct Tool: Encodable { var driver: Driver }
        struct Region: Encodable {
            var startLine: Int
            var startColumn: Int?
        }
        struct ArtifactLocation: Encodable { var uri: String }
        struct PhysicalLocation: Encodable {
            var artifactLocation: ArtifactLocation
            var region: Region? = nil
        }
        struct Location: Encodable { var physicalLocation: PhysicalLocation }
        struct Result: Encodable {
            var ruleId: String
            var level: String
            var message: Text
            var locations: [Location]
        }
        struct Notification: Encodable {
            var level: String
            var message: Text
            var locations: [Location]
        }
        struct Invocation: Encodable {
            var executionSuccessful: Bool
            var toolExecutionNotifications: [Notification]
        }
        struct Run: Encodable {
            var tool: Tool
            var invocations: [Invocation]
            var results: [Result]
        }
        struct Log: Encodable {
            var version = "2.1.0"
            var schema = "https://json.schemastore.org/sarif-2.1.0.json"
            var runs: [Run]

            enum CodingKeys: String, CodingKey {
                case version
                case schema = "$schema"
                case runs
            }
        }
        func level(_ severity: Diagnostic.Severity) -> String { severity == .note ? "note" : severity.rawValue }
        var rules = [
            Rule(
                id: LintRules.xmlID, shortDescription: Text(text: "malformed XML"),
                fullDescription: Text(text: LintRules.explain(LintRules.xmlID) ?? ""),
                defaultConfiguration: Configuration(level: "error")),
            Rule(
                id: LintRules.schemaID, shortDescription: Text(text: "does not validate against libvirt's domain.rng"),
                fullDescription: Text(text: LintRules.explain(LintRules.schemaID) ?? ""),
                defaultConfiguration: Configuration(level: "error")),
        ]
        rules += LintRules.all.map { rule in
            Rule(
                id: rule.id, shortDescription: Text(text: rule.summary), fullDescription: Text(text: rule.explanation),
                defaultConfiguration: Configuration(level: level(rule.severity)))
        }
        let results = diagnostics.map { diagnostic in
            Result(
                ruleId: diagnostic.rule, level: level(diagnostic.severity), message: Text(text: diagnostic.message),
                locations: [
                    Location(
                        physicalLocation: PhysicalLocation(
                            artifactLocation: ArtifactLocation(uri: Self.uri(diagnostic.file ?? "")),
                            region: diagnostic.line.map { Region(startLine: $0, startColumn: diagnostic.column) }))
                ])
        }
        // A file that was not linted is a fact about the run, not a finding of a rule.
        let notifications = files.compactMap { file -> Notification? in
            guard let note = file.status.note else { return nil }
            let isError = if case .unreadable = file.status { true } else { false }
            let location = Location(
                physicalLocation: PhysicalLocation(artifactLocation: ArtifactLocation(uri: Self.uri(file.file))))
            return Notification(
                level: isError ? "error" : "note",
                message: Text(text: String(note.drop(while: { $0 != " " }).dropFirst())), locations: [location])
        }
        let invocation = Invocation(
            executionSuccessful: !files.contains { $0.status.name == "unreadable" },
            toolExecutionNotifications: notifications)
        return PrettyJSON.encode(
            Log(runs: [Run(tool: Tool(driver: Driver(rules: rules)), invocations: [invocation], results: results)]))
    }

    /// A path as a SARIF artifact URI: percent-escaped (RFC 3986, every byte but unreserved ones and
    /// `/`), absolute paths as `file://` URIs.
    static func uri(_ path: String) -> String {
        var escaped = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                escaped += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return path.hasPrefix("/") ? "file://" + escaped : escaped
    }
}
