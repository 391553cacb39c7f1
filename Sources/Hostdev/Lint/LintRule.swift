import LibXML

/// A passthrough rule of the linter: one file each under `Rules/`, composed in ``LintRules/all``.
public protocol LintRule: Sendable {
    /// The stable kebab-case id (`iommu-group-incomplete`), for `--select`, `--ignore` and `--explain`.
    var id: String { get }
    /// How serious its findings are.
    var severity: Diagnostic.Severity { get }
    /// One line: what it finds.
    var summary: String { get }
    /// Why it matters and what to do, for `hostdev lint --explain ID`.
    var explanation: String { get }
    /// Whether it needs a host inventory (skipped without one).
    var needsHost: Bool { get }
    /// Checks one domain.
    func check(_ domain: LintedDomain) -> [Diagnostic]
}

/// A rule that looks across every domain of a run (a device in two domains, a split group).
public protocol CrossDomainRule: LintRule {
    /// Checks all domains together.
    func check(all domains: [LintedDomain.Summary], inventory: HostInventory?) -> [Diagnostic]
}

extension LintRule {
    public var needsHost: Bool { false }

    /// A finding of this rule at a node.
    func finding(_ message: String, at node: XMLNode?, in domain: LintedDomain, fixIt: String? = nil) -> Diagnostic {
        Diagnostic(
            severity, rule: id, message, file: domain.file, line: node?.line, column: node?.column, fixIt: fixIt)
    }
}

extension CrossDomainRule {
    public func check(_ domain: LintedDomain) -> [Diagnostic] { [] }
}

/// One parsed domain as rules see it.
public struct LintedDomain {
    /// The file (`-` for standard input).
    public let file: String
    /// The `<domain>` element.
    public let root: XMLNode
    /// Its host-device elements.
    public let hostdevs: [HostdevElement]
    /// The host, when one was given.
    public let inventory: HostInventory?

    /// The domain's name.
    public var name: String? { root.firstElement(named: "name")?.textContent.trimmed }
    /// The domain's UUID, lower case.
    public var uuid: String? { root.firstElement(named: "uuid")?.textContent.trimmed.lowercased() }

    /// Whether a host domain is this one.
    func isSelf(_ other: HostDomain) -> Bool {
        (uuid != nil && other.uuid?.lowercased() == uuid) || (name != nil && other.name == name)
    }

    /// What cross-domain rules need, without the document (which stays on its worker).
    public struct Summary: Sendable {
        public var file: String
        public var name: String?
        public var sources: [(source: HostdevSource, line: Int?, column: Int?)]
    }

    var summary: Summary {
        Summary(
            file: file, name: name,
            sources: hostdevs.compactMap { element in
                element.source.map { ($0, element.node.line, element.node.column) }
            })
    }
}
