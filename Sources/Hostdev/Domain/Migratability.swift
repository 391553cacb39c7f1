import LibXML

/// Whether a domain may be migrated, and why not, from its XML alone.
///
/// The feature page: "Migration should be disabled for any VM with hostdev device." A domain is not
/// migratable when it holds a host device (`<hostdev>` or `<interface type='hostdev'>`) or carries
/// the ``MigrationMarker`` with `migratable='no'`.
public struct Migratability: Sendable, Equatable {
    /// Whether the domain may be migrated.
    public let isMigratable: Bool
    /// Why not, one line per reason (empty when migratable).
    public let reasons: [String]

    /// Evaluates a `<domain>` element.
    public init(domain: XMLNode) {
        var reasons: [String] = []
        for element in HostdevElement.all(in: domain) {
            let what = element.source?.description ?? "a \(element.type ?? "host") device"
            let place = element.node.line.map { " (line \($0))" } ?? ""
            reasons.append("it holds host device \(what)\(place)")
        }
        if MigrationMarker.isMarkedNonMigratable(domain) {
            reasons.append("its metadata marks it non-migratable (\(MigrationMarker.namespace))")
        }
        self.isMigratable = reasons.isEmpty
        self.reasons = reasons
    }
}
