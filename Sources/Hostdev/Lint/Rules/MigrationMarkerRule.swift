/// A domain with host devices that is not marked non-migratable.
struct MigrationMarkerRule: LintRule {
    let id = "migration-marker-missing"
    let severity = Diagnostic.Severity.warning
    let summary = "domain with host devices lacks the non-migratable marker"
    let explanation = """
        "Migration should be disabled for any VM with hostdev device." libvirt has no flag for it, so \
        management layers read the marker in <metadata> (namespace \(MigrationMarker.namespace), see \
        Schemas/README.md). Without it a scheduler may try to migrate the guest and fail mid-way. \
        `hostdev transform` adds it.
        """

    func check(_ domain: LintedDomain) -> [Diagnostic] {
        guard let first = domain.hostdevs.first, !MigrationMarker.isMarkedNonMigratable(domain.root) else { return [] }
        return [
            finding(
                "the domain holds \(domain.hostdevs.count) host device(s) but is not marked non-migratable",
                at: first.node, in: domain, fixIt: "hostdev transform --in-place \(domain.file)")
        ]
    }
}
