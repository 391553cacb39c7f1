import LibXML

/// A passthrough rule: one file each in `Rules/`, composed in ``RuleCatalogue/all``. A rule declares
/// its id, severity, message and fix-it beside its check; every command that checks passthrough
/// (lint, transform, define, the hook, doctor, detach, reattach) evaluates the same rules.
public protocol PassthroughRule: Sendable {
    /// The stable kebab-case id (`iommu-group-incomplete`), for `--select`, `--ignore` and `--explain`.
    var id: String { get }
    /// How serious its findings are: an error refuses (exit 1), a warning does not.
    var severity: Diagnostic.Severity { get }
    /// One line: what it finds.
    var summary: String { get }
    /// Why it matters and what to do.
    var explanation: String { get }
    /// Whether it needs a host inventory (skipped without one).
    var needsHost: Bool { get }
    /// The commands that evaluate it.
    var commands: Set<RuleCommand> { get }
    /// Whether a forced detach or reattach overrides it (the host-use guard, and only it).
    var yieldsToForce: Bool { get }
    /// Checks one domain (lint, transform, define, the hook).
    func check(_ domain: CheckedDomain) -> [Diagnostic]
    /// Checks one host device (doctor, detach, reattach).
    func check(device: CheckedDevice) -> [Diagnostic]
}

/// A rule that also looks across every domain of a lint run (a device in two domains, a split group).
public protocol CrossDomainRule: PassthroughRule {
    /// Checks all domains together.
    func check(all domains: [CheckedDomain.Summary], inventory: HostInventory?) -> [Diagnostic]
}

/// The commands that evaluate rules.
public enum RuleCommand: String, Sendable, CaseIterable, Comparable {
    case lint, transform, define, hook, doctor, detach, reattach

    /// The commands that check a domain.
    public static let domainCommands: Set<RuleCommand> = [.lint, .transform, .define, .hook]

    public static func < (lhs: RuleCommand, rhs: RuleCommand) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

extension PassthroughRule {
    public var needsHost: Bool { false }
    public var commands: Set<RuleCommand> { RuleCommand.domainCommands }
    public var yieldsToForce: Bool { false }
    public func check(_ domain: CheckedDomain) -> [Diagnostic] { [] }
    public func check(device: CheckedDevice) -> [Diagnostic] { [] }

    /// A finding of this rule at a node; on an element the transform added, at the request it came from.
    func finding(
        _ message: String, at node: XMLNode?, in domain: CheckedDomain, fixIt: FixIt? = nil, notes: [String] = []
    ) -> Diagnostic {
        if let node, let origin = domain.origin(of: node) {
            return Diagnostic(
                severity, rule: id, "\(origin): " + message, file: domain.request?.source ?? domain.file, fixIt: fixIt,
                notes: notes)
        }
        return Diagnostic(
            severity, rule: id, message, file: domain.file, line: node?.line, column: node?.column, fixIt: fixIt,
            notes: notes)
    }

    /// A finding of this rule about one entry of the request.
    func finding(_ message: String, request: HostDeviceRequest, in domain: CheckedDomain, fixIt: FixIt? = nil)
        -> Diagnostic
    {
        Diagnostic(
            severity, rule: id, "devices[\(request.index)]: " + message, file: domain.request?.source ?? domain.file,
            fixIt: fixIt)
    }

    /// A finding of this rule about a host device.
    func finding(_ message: String, device: CheckedDevice, fixIt: FixIt? = nil, notes: [String] = []) -> Diagnostic {
        Diagnostic(severity, rule: id, message, fixIt: fixIt, notes: notes)
    }
}
