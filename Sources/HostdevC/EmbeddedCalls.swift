import FoundationEssentials
import Hostdev
import LibXML

#if canImport(Glibc)
    import Glibc
#endif

/// What one call of the C interface produced: the exit code, the output, and the JSON report.
struct CallOutcome: Sendable, Equatable {
    /// The `hostdev` command's exit code: 0 done, 1 refused, 2 bad input, 3 host failure.
    var code: Int32
    /// The new domain (transform) or the listing (list); `nil` when refused or failed.
    var output: [UInt8]?
    /// The report: the plan and findings, or `{"error": …, "exitCode": N}` for codes 2 and 3.
    var report: String
}

/// Why a call could not run: bad input (2) or a failing host (3).
struct CallFailure: Error {
    var code: Int32
    var message: String

    static func input(_ message: String) -> CallFailure { CallFailure(code: 2, message: message) }
    static func host(_ message: String) -> CallFailure { CallFailure(code: 3, message: message) }

    var outcome: CallOutcome {
        struct Body: Encodable {
            var error: String
            var exitCode: Int32
        }
        return CallOutcome(code: code, output: nil, report: PrettyJSON.encode(Body(error: message, exitCode: code)))
    }
}

/// The calls of the C interface in Swift, one function each: inputs as bytes, an outcome as data.
/// Every call builds what it needs (inventory, schema) and keeps nothing afterwards.
enum EmbeddedCalls {
    /// `hostdev_transform`.
    static func transform(domainXML: [UInt8]?, requestJSON: [UInt8]?, host: String?, optionsJSON: [UInt8]?)
        -> CallOutcome
    {
        outcome { () throws(CallFailure) -> CallOutcome in
            let options = try EmbeddedOptions.decode(optionsJSON, allowed: EmbeddedOptions.transformKeys)
            var request = VMCreateRequest(source: nil)
            if let requestJSON {
                do throws(VMCreateError) {
                    request = try VMCreateRequest.decode(requestJSON, source: "request")
                } catch {
                    throw CallFailure.input(error.description)
                }
            }
            let source = try HostSpec.source(host)
            let inventory = request.hostDevices.isEmpty && source == nil ? nil : try HostSpec.load(source)
            let schema = try options.loadSchema()
            let result: TransformResult
            do throws(TransformError) {
                result = try PassthroughTransform.run(
                    domainXML: domainXML, source: options.source ?? (domainXML == nil ? "request" : "domain.xml"),
                    request: request, inventory: inventory,
                    options: TransformOptions(
                        includeGroup: options.includeGroup ?? false, virtType: options.virtType ?? "kvm",
                        schema: schema))
            } catch {
                throw CallFailure.input(error.description)
            }
            return CallOutcome(code: result.succeeded ? 0 : 1, output: result.xml, report: result.report.json())
        }
    }

    /// `hostdev_lint`.
    static func lint(domainXML: [UInt8], host: String?, optionsJSON: [UInt8]?) -> CallOutcome {
        outcome { () throws(CallFailure) -> CallOutcome in
            let options = try EmbeddedOptions.decode(optionsJSON, allowed: EmbeddedOptions.lintKeys)
            for id in (options.select ?? []) + (options.ignore ?? []) where !LintRules.ids.contains(id) {
                throw CallFailure.input("unknown rule '\(id)'; rules: \(LintRules.ids.joined(separator: ", "))")
            }
            let source = try HostSpec.source(host)
            let inventory = source == nil ? nil : try HostSpec.load(source)
            let linter = Linter(
                schema: try options.loadSchema(), inventory: inventory, select: Set(options.select ?? []),
                ignore: Set(options.ignore ?? []))
            let report = linter.lint(xml: domainXML, source: options.source ?? "domain.xml")
            return CallOutcome(code: report.hasErrors ? 1 : 0, output: nil, report: report.json())
        }
    }

    /// `hostdev_list`.
    static func list(host: String?, optionsJSON: [UInt8]?) -> CallOutcome {
        outcome { () throws(CallFailure) -> CallOutcome in
            let options = try EmbeddedOptions.decode(optionsJSON, allowed: EmbeddedOptions.listKeys)
            do throws(InventoryError) {
                try DeviceListing.checkCapabilities(options.capabilities ?? [])
            } catch {
                throw CallFailure.input("options: " + error.description)
            }
            guard let source = try HostSpec.source(host) else {
                throw CallFailure.input(
                    "this needs a host: \"snapshot:PATH\", \"sysfs:ROOT\" or a libvirt URI (or set LIBVIRT_DEFAULT_URI)"
                )
            }
            let inventory = try HostSpec.load(source)
            do throws(InventoryError) {
                let listing = try DeviceListing(
                    inventory: inventory, capabilities: options.capabilities ?? [], domain: options.domain)
                let json = listing.vdsmJSON()
                return CallOutcome(code: 0, output: Array(json.utf8), report: json)
            } catch {
                throw CallFailure.input(error.description)
            }
        }
    }

    private static func outcome(_ body: () throws(CallFailure) -> CallOutcome) -> CallOutcome {
        do throws(CallFailure) {
            return try body()
        } catch {
            return error.outcome
        }
    }
}

/// The host argument: `snapshot:PATH`, `sysfs:ROOT`, a libvirt URI, or none.
enum HostSpec {
    /// The source a host string names; `nil` for none (`NULL` and no `LIBVIRT_DEFAULT_URI`). An empty
    /// host, or a `snapshot:` or `sysfs:` naming nothing, is bad input: it is not `NULL`'s default.
    static func source(_ host: String?) throws(CallFailure) -> InventorySource? {
        guard let host else {
            return getenv("LIBVIRT_DEFAULT_URI") != nil ? .libvirt(uri: nil) : nil
        }
        guard !host.isEmpty else {
            throw CallFailure.input(
                "host is empty: give \"snapshot:PATH\", \"sysfs:ROOT\", a libvirt URI, or NULL for none "
                    + "(LIBVIRT_DEFAULT_URI when it is set)")
        }
        if host.hasPrefix("snapshot:") {
            let path = String(host.dropFirst("snapshot:".count))
            guard !path.isEmpty else {
                throw CallFailure.input("host \"snapshot:\" names no file: give \"snapshot:PATH\"")
            }
            return .snapshot(path: path)
        }
        if host.hasPrefix("sysfs:") {
            let root = String(host.dropFirst("sysfs:".count))
            guard !root.isEmpty else {
                throw CallFailure.input(
                    "host \"sysfs:\" names no root: give \"sysfs:ROOT\" (\"sysfs:/\" for this host)")
            }
            return .sysfs(root: root)
        }
        return .libvirt(uri: host)
    }

    /// Loads an inventory; a missing source is bad input, a failing one a host failure.
    static func load(_ source: InventorySource?) throws(CallFailure) -> HostInventory {
        guard let source else {
            throw CallFailure.input(
                "resolving device names needs a host: \"snapshot:PATH\", \"sysfs:ROOT\" or a libvirt URI")
        }
        do throws(InventoryError) {
            return try source.load()
        } catch {
            throw CallFailure.host(error.description)
        }
    }
}
