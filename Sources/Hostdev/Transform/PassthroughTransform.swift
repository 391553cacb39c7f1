import LibXML

/// What the transform may do beyond the checks.
public struct TransformOptions: Sendable {
    /// Add every missing endpoint of a requested device's IOMMU group (never one the host uses).
    public var includeGroup: Bool
    /// The `<domain type=…>` of a domain built from vmCreate parameters alone.
    public var virtType: String
    /// The check against libvirt's domain schema, if any (see ``DomainSchemaCheck``).
    public var schemaCheck: DomainSchemaCheck?
    /// The command whose rules check the result (``RuleCommand/transform``, `define` or `hook`).
    public var command: RuleCommand

    /// Creates options; `schema` (a compiled `domain.rng`) checks the whole input and result.
    public init(
        includeGroup: Bool = false, virtType: String = "kvm", schema: RelaxNGSchema? = nil,
        schemaCheck: DomainSchemaCheck? = nil, command: RuleCommand = .transform
    ) {
        self.includeGroup = includeGroup
        self.virtType = virtType
        self.schemaCheck = schemaCheck ?? schema.map { DomainSchemaCheck(schema: $0) }
        self.command = command
    }
}

/// Why the transform could not run at all (as opposed to refusing, which is a finding).
public enum TransformError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The domain XML could not be read.
    case input(XMLError)
    /// The root element is not `<domain>`.
    case notADomain(root: String, file: String?)
    /// Devices were requested but no host inventory was given.
    case needsHost

    public var description: String {
        switch self {
        case .input(let error): error.description
        case .notADomain(let root, let file): (file.map { $0 + ": " } ?? "") + "expected a <domain>, found <\(root)>"
        case .needsHost: "resolving device names needs a host source (libvirt, a sysfs tree or a snapshot)"
        }
    }
}

/// The result of a transform.
public struct TransformResult: Sendable {
    /// The new domain XML, or `nil` when any check refused it (nothing is written then).
    public let xml: [UInt8]?
    /// Whether the output differs from the input.
    public let changed: Bool
    /// Every finding: errors (refusals), warnings and notes.
    public let diagnostics: [Diagnostic]
    /// The plan, for programs.
    public let report: TransformReport

    /// Whether the transform succeeded.
    public var succeeded: Bool { xml != nil }

    /// The new XML as a string, when it succeeded.
    public var xmlString: String? { xml.map { String(decoding: $0, as: UTF8.self) } }
}

/// The transform: vmCreate host-device requests and a domain into a checked, non-migratable domain.
///
/// Resolves each requested device against the host, refuses what libvirt, QEMU or the kernel would
/// refuse later (an incomplete or split IOMMU group, a bridge, a device another domain owns, …),
/// emits `<hostdev mode='subsystem' type='pci' managed='no'>` elements and marks the domain
/// non-migratable. Untouched parts of the input survive; an unchanged domain comes back byte for
/// byte; running the transform on its own output changes nothing.
public enum PassthroughTransform {
    /// Runs the transform.
    /// - Parameters:
    ///   - domainXML: the domain to change; `nil` builds a minimal one from the request.
    ///   - source: the domain's file name, for messages (`-` for standard input).
    ///   - request: the vmCreate host-device requests.
    ///   - inventory: the host; required when any device is requested.
    ///   - options: see ``TransformOptions``.
    public static func run(
        domainXML: [UInt8]?, source: String? = nil, request: VMCreateRequest, inventory: HostInventory?,
        options: TransformOptions = TransformOptions()
    ) throws(TransformError) -> TransformResult {
        if request.needsHost && inventory == nil { throw .needsHost }
        let document: XMLDocument
        if let domainXML {
            do throws(XMLError) {
                document = try XMLDocument(parsing: domainXML, source: source ?? "domain.xml", limits: .domain)
            } catch {
                throw .input(error)
            }
        } else {
            document = MinimalDomain.build(from: request, virtType: options.virtType)
        }
        let root = document.root
        guard root.isUnqualified("domain") else { throw .notADomain(root: root.tagDescription, file: document.source) }

        var diagnostics = request.notes
        var checkOutput = options.schemaCheck != nil
        if let check = options.schemaCheck, domainXML != nil {
            let input = check.checkInput(document)
            diagnostics += input.findings
            checkOutput = input.checkResult
        }

        var planner = TransformPlanner(domain: root, request: request, inventory: inventory, options: options)
        planner.plan()
        diagnostics += planner.notes
        var vdsmDevices = VDSMDevicePlanner(domain: root, request: request, inventory: inventory)
        vdsmDevices.plan()
        var report = TransformReport(
            added: planner.planned.map(\.device.name) + vdsmDevices.added,
            addedForGroups: Dictionary(
                planner.planned.compactMap { planned in planned.addedForGroup.map { (planned.device.name, $0) } },
                uniquingKeysWith: { first, _ in first }),
            kept: planner.kept.map(\.description) + vdsmDevices.kept,
            placeholders: planner.placeholders.map(\.description),
            groups: planner.groups, migratable: true, succeeded: false, diagnostics: [])
        func finish(_ xml: [UInt8]?, changed: Bool) -> TransformResult {
            report.succeeded = xml != nil
            report.migratable = Migratability(domain: root).isMigratable
            report.diagnostics = diagnostics.map(TransformReport.Finding.init)
            return TransformResult(xml: xml, changed: changed, diagnostics: diagnostics, report: report)
        }

        // Emit into the document, then check the result with the same rules lint applies; nothing
        // is serialized unless they pass.
        let origins = planner.emit() + vdsmDevices.emit()
        var changed = domainXML == nil || !origins.isEmpty
        if !HostdevElement.all(in: root).isEmpty || !planner.placeholders.isEmpty {
            changed = HostdevEmitter.mark(root, placeholders: planner.placeholders) || changed
        }
        diagnostics += RuleCatalogue.evaluate(
            CheckedDomain(
                file: document.source ?? "domain.xml", root: root, inventory: inventory, command: options.command,
                request: request, origins: origins))
        if diagnostics.contains(where: { $0.severity == .error }) { return finish(nil, changed: false) }

        if checkOutput, changed, let check = options.schemaCheck {
            diagnostics += check.checkResult(document, input: domainXML)
            if diagnostics.contains(where: { $0.severity == .error }) { return finish(nil, changed: false) }
        }
        guard changed else { return finish(domainXML, changed: false) }
        do throws(XMLError) {
            return finish(try document.serialized(), changed: true)
        } catch {
            throw .input(error)
        }
    }
}
