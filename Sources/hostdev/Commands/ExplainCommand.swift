import ArgumentParser
import Hostdev

/// `hostdev explain`: QEMU and libvirt errors turned into causes and fixes.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain passthrough failures in QEMU output, libvirt errors or a VM log.",
        discussion: """
            Reads LOG (or standard input) and, for each line it recognises, prints the cause and the fix; \
            with a host source it names the members of a group that is not viable and the driver holding \
            each, or the owner and mode of a /dev/vfio node. Unrecognised lines are counted, not guessed at.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: ArgumentHelp("The log ('-' or nothing for standard input).", valueName: "log"))
    var log: String = "-"

    @OptionGroup var host: HostOptions

    @Option(help: "Output format.")
    var format: Format = .text

    func run() throws {
        try reportingFailures {
            let inventory = host.sourceOrDefault == nil ? nil : try host.loadInventory()
            let report: LogExplainer.Report
            do {
                report = try LogExplainer(inventory: inventory).explain(path: log)
            } catch {
                throw CommandFailure.usage("\(error)")
            }
            try StandardOutput.write(
                format == .json ? report.json() + "\n" : report.text { FixItText.render($0, host: host) })
        }
    }
}
