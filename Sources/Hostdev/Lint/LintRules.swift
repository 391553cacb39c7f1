/// Every rule of the linter, in the order findings are reported. Adding a rule: one file in `Rules/`
/// and one line here.
public enum LintRules {
    /// The schema check's id: exactly what `xmllint --relaxng domain.rng` checks.
    public static let schemaID = "schema"
    /// Malformed XML's id.
    public static let xmlID = "xml"

    /// The per-domain and cross-domain passthrough rules.
    public static let all: [any LintRule] = [
        PCIAddressRule(), DuplicateHostdevRule(), DeviceMissingRule(), NotAssignableRule(), IOMMUGroupRule(),
        OwnedByOtherDomainRule(), MigrationMarkerRule(), ManagedRule(), GuestAddressCollisionRule(), ROMFileRule(),
        DeviceInTwoDomainsRule(), SplitGroupRule(),
    ]

    /// Every id, the schema's and malformed XML's included.
    public static var ids: [String] { [xmlID, schemaID] + all.map(\.id) }

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
            return "xml (error): the file is not well-formed XML, or is refused by hardened parsing (a DOCTYPE)."
        default:
            guard let rule = all.first(where: { $0.id == id }) else { return nil }
            return
                "\(rule.id) (\(rule.severity.rawValue)\(rule.needsHost ? ", needs a host" : "")): \(rule.summary)\n\n"
                + rule.explanation
        }
    }
}
