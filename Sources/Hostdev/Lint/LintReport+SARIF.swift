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
            var region: Region?
        }
        struct Location: Encodable { var physicalLocation: PhysicalLocation }
        struct Result: Encodable {
            var ruleId: String
            var level: String
            var message: Text
            var locations: [Location]
        }
        struct Run: Encodable {
            var tool: Tool
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
                            artifactLocation: ArtifactLocation(uri: diagnostic.file ?? ""),
                            region: diagnostic.line.map { Region(startLine: $0, startColumn: diagnostic.column) }))
                ])
        }
        return PrettyJSON.encode(Log(runs: [Run(tool: Tool(driver: Driver(rules: rules)), results: results)]))
    }
}
