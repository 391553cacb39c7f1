import ArgumentParser
import Hostdev
import LibXML

#if canImport(Glibc)
    import Glibc
#endif

/// The arguments `transform` and `define` share: the domain, the request, the host, the checks.
struct TransformArguments: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "Domain XML to change ('-' for standard input); without it a minimal domain is built.",
            valueName: "domain.xml"))
    var domain: String?

    @Option(
        name: .customLong("vm-create"),
        help: ArgumentHelp("vmCreate parameters (JSON; '-' for standard input).", valueName: "params.json"))
    var vmCreate: String?

    @OptionGroup var host: HostOptions

    @Flag(name: .customLong("include-group"), help: "Add the missing endpoints of each requested device's IOMMU group.")
    var includeGroup = false

    @Option(help: ArgumentHelp("Directory holding libvirt's domain.rng.", valueName: "dir"))
    var schemas: String = RelaxNGSchema.libvirtSchemaDirectory

    @Flag(name: .customLong("no-schema"), help: "Skip checking the input and the result against libvirt's schema.")
    var noSchema = false

    @Option(help: ArgumentHelp("'json': write the whole plan to stderr instead of text findings.", valueName: "json"))
    var report: ReportFormat?

    enum ReportFormat: String, ExpressibleByArgument { case json }

    func validate() throws {
        if domain == "-" && vmCreate == "-" {
            throw ValidationError("only one of the domain and --vm-create can be '-'")
        }
    }

    /// Reads the inputs, runs the transform, prints the findings; exits 1 when refused.
    func run(virtType: String = "kvm") throws -> TransformResult {
        let request = try readRequest()
        let inventory = request.hostDevices.isEmpty && host.sourceOrDefault == nil ? nil : try host.loadInventory()
        let bytes: [UInt8]?
        if let domain {
            do throws(XMLError) {
                bytes = try InputFile.read(domain)
            } catch {
                throw CommandFailure.usage(error.description)
            }
        } else {
            bytes = nil
        }
        var schema: RelaxNGSchema?
        if !noSchema {
            do throws(XMLError) {
                schema = try RelaxNGSchema.libvirtDomain(directory: schemas)
            } catch {
                throw CommandFailure.usage(error.description)
            }
        }
        let result: TransformResult
        do throws(TransformError) {
            result = try PassthroughTransform.run(
                domainXML: bytes, source: domain ?? "vm-create", request: request, inventory: inventory,
                options: TransformOptions(includeGroup: includeGroup, virtType: virtType, schema: schema))
        } catch {
            throw CommandFailure.usage(error.description)
        }
        if report == .json {
            printError(result.report.json())
        } else {
            for diagnostic in result.diagnostics { printError(DiagnosticText.render(diagnostic, host: host)) }
        }
        guard result.succeeded else {
            let count = result.diagnostics.filter { $0.severity == .error }.count
            throw CommandFailure.refused("refused: \(count) problem\(count == 1 ? "" : "s"); nothing was written")
        }
        return result
    }

    private func readRequest() throws -> VMCreateRequest {
        guard let vmCreate else { return VMCreateRequest(source: nil) }
        let bytes: [UInt8]
        do throws(XMLError) {
            bytes = try InputFile.read(vmCreate, limit: VMCreateRequest.maxBytes)
        } catch {
            throw CommandFailure.usage(error.description)
        }
        do throws(VMCreateError) {
            return try VMCreateRequest.decode(bytes, source: vmCreate)
        } catch {
            throw CommandFailure.usage(error.description)
        }
    }
}

/// Reads an input file or standard input with a size bound.
enum InputFile {
    static func read(_ path: String, limit: Int = ParseLimits.standard.maxBytes) throws(XMLError) -> [UInt8] {
        let document = try XMLInput.readBytes(path: path, limits: ParseLimits(maxBytes: limit))
        return document
    }
}

/// Writes bytes to standard output, whole.
func writeStandardOutput(_ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let count = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        if count <= 0 { return }
        offset += count
    }
}
