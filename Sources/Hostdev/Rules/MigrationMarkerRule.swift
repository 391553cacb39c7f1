/// A domain with host devices that is not marked non-migratable.
struct MigrationMarkerRule: PassthroughRule {
    let id = "migration-marker-missing"
    let severity = Diagnostic.Severity.warning
    let summary = "domain with host devices lacks the non-migratable marker"
    let explanation = """
        "Migration should be disabled for any VM with hostdev device." libvirt has no flag for it, so \
        management layers read the marker in <metadata> (namespace \(MigrationMarker.namespace), see \
        Schemas/README.md). Without it a scheduler may try to migrate the guest and fail mid-way. \
        The transform adds it.
        """

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let first = domain.hostdevs.first, !MigrationMarker.isMarkedNonMigratable(domain.root) else { return [] }
        return [
            finding(
                "the domain holds \(domain.hostdevs.count) host device(s) but is not marked non-migratable",
                at: first.node, in: domain,
                fixIt: FixIt("transform the domain", action: .transformInPlace(file: domain.file)))
        ]
    }
}
