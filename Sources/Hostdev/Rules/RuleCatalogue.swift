import LibXML

/// Every passthrough rule, in the order findings are reported, and the one place commands evaluate
/// them. Adding a rule: one file in `Rules/` and one line in ``all``.
public enum RuleCatalogue {
    /// The schema check's id: exactly what `xmllint --relaxng domain.rng` checks.
    public static let schemaID = "schema"
    /// Malformed XML's id.
    public static let xmlID = "xml"

    /// The rules.
    public static let all: [any PassthroughRule] = [
        PCIAddressRule(), HostdevSourceRule(), DuplicateHostdevRule(), DeviceMissingRule(), NotAssignableRule(),
        IOMMUGroupRule(),
        DomainNameClashRule(), OwnedByOtherDomainRule(), SplitGroupRule(), HostUseRule(), NotDetachedRule(),
        ConflictingHostdevRule(), PlaceholderAssignedRule(), PlaceholderInvalidRule(), BootOrderConflictRule(),
        DuplicateBootOrderRule(),
        DuplicateAliasRule(), GuestAddressCollisionRule(), MigrationMarkerRule(), ManagedRule(), ROMFileRule(),
        DeviceInTwoDomainsRule(), InterfaceFunctionRule(), InterfaceMACRule(), InterfaceVLANRule(),
        MdevInstanceRule(), MdevNotCreatedRule(),
    ]

    /// Every id, the schema's and malformed XML's included.
    public static var ids: [String] { [xmlID, schemaID] + all.map(\.id) }

    /// The rules a command evaluates.
    public static func rules(for command: RuleCommand) -> [any PassthroughRule] {
        all.filter { $0.commands.contains(command) }
    }

    /// Evaluates the rules of the domain's command over one domain; host rules run when it has a host.
    /// - Parameter isEnabled: which rule ids run (all by default).
    public static func evaluate(_ domain: CheckedDomain, isEnabled: (String) -> Bool = { _ in true }) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for rule in rules(for: domain.command) where isEnabled(rule.id) {
            if rule.needsHost && domain.inventory == nil { continue }
            findings += rule.check(domain)
        }
        return findings
    }

    /// Evaluates the rules over a domain XML document, as a libvirt hook or VM-creation code would
    /// before starting or defining it.
    /// - Parameters:
    ///   - domainXML: the domain.
    ///   - source: its name, for messages.
    ///   - inventory: the host, for the host rules.
    ///   - command: the command whose rules run (``RuleCommand/hook`` by default).
    public static func evaluate(
        domainXML: [UInt8], source: String = "domain.xml", inventory: HostInventory?, command: RuleCommand = .hook
    ) throws(XMLError) -> [Diagnostic] {
        let document = try XMLDocument(parsing: domainXML, source: source)
        guard document.root.name == "domain" else {
            return [Diagnostic(.error, rule: xmlID, "expected a <domain>, found <\(document.root.name)>", file: source)]
        }
        return evaluate(CheckedDomain(file: source, root: document.root, inventory: inventory, command: command))
    }

    /// Evaluates the device rules of a command (doctor, detach, reattach) over one host device.
    /// - Parameter force: leave out the findings of rules that yield to force (the host-use guard).
    public static func evaluate(device: HostDevice, inventory: HostInventory, command: RuleCommand, force: Bool = false)
        -> [Diagnostic]
    {
        let subject = CheckedDevice(device: device, inventory: inventory, command: command)
        return rules(for: command).filter { !(force && $0.yieldsToForce) }.flatMap { $0.check(device: subject) }
    }

    /// Whether a forced detach or reattach overrides a rule's findings.
    public static func yieldsToForce(_ id: String) -> Bool { all.first { $0.id == id }?.yieldsToForce ?? false }

    /// `--explain ID`: the summary and the explanation, or `nil` for an unknown id.
    public static func explain(_ id: String) -> String? {
        switch id {
        case schemaID:
            return """
                schema (error): the domain does not validate against libvirt's domain.rng

                The same RELAX NG check `xmllint --noout --relaxng /usr/share/libvirt/schemas/domain.rng` \
                and virt-xml-validate make, with the schema compiled once per run. libvirt runs it when a \
                domain is defined with VIR_DOMAIN_DEFINE_VALIDATE.
                """
        case xmlID:
            return """
                xml (error): the file is not well-formed XML, or is refused by hardened parsing (a DOCTYPE, a \
                NUL byte, more nodes or attributes than the bounds), or a file named on the command line is not \
                a <domain> (one a directory search finds is skipped with a note).
                """
        default:
            guard let rule = all.first(where: { $0.id == id }) else { return nil }
            return
                "\(rule.id) (\(rule.severity.rawValue)\(rule.needsHost ? ", needs a host" : "")): \(rule.summary)\n\n"
                + rule.explanation
        }
    }

    /// One row of the rule table.
    public struct Entry: Sendable, Equatable {
        /// The rule id.
        public var id: String
        /// What it checks.
        public var summary: String
        /// The commands that apply it.
        public var commands: [RuleCommand]
        /// The exit code of a finding (1 refused for an error, 0 for a warning).
        public var exitCode: Int
        /// Whether it needs a host source.
        public var needsHost: Bool
    }

    /// Every rule as a table row, the schema and XML checks first.
    public static var table: [Entry] {
        [
            Entry(
                id: xmlID, summary: "well-formed XML, no DOCTYPE, no NUL; a named file's root is <domain>",
                commands: [.lint], exitCode: 1, needsHost: false),
            Entry(
                id: schemaID, summary: "libvirt's domain.rng (xmllint --relaxng)",
                commands: [.lint, .transform, .define],
                exitCode: 1, needsHost: false),
        ]
            + all.map { rule in
                Entry(
                    id: rule.id, summary: rule.summary, commands: rule.commands.sorted(),
                    exitCode: rule.severity == .error ? 1 : 0, needsHost: rule.needsHost)
            }
    }

    /// The table as Markdown, as `hostdev lint --list-rules` prints it and README.md shows it.
    public static var tableMarkdown: String {
        var lines = ["| rule | what it checks | applied by | exit |", "|---|---|---|---|"]
        for entry in table {
            let commands = entry.commands.map(\.rawValue).joined(separator: ", ")
            lines.append(
                "| `\(entry.id)` | \(entry.summary)\(entry.needsHost ? " (needs a host)" : "") | \(commands) | \(entry.exitCode) |"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The catalogue under the name the linter's reports use.
public typealias LintRules = RuleCatalogue
