import ArgumentParser
import Hostdev

/// `hostdev reattach`: give devices back to their host drivers, through libvirt.
struct ReattachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reattach",
        abstract: "Give devices back to the host (virNodeDeviceReset, then virNodeDeviceReAttach).",
        discussion: """
            Refuses, before any change, a device that is not bound to vfio-pci or pci-stub (the host's \
            own driver has it), one whose binding the source does not show, and one a running domain \
            holds; --force overrides the binding guards only. The reset first avoids the classic hang of a \
            device returned in the state a guest left it.
            """)

    @OptionGroup var devices: DeviceArguments
    @Flag(name: .customLong("no-reset"), help: "Skip the device reset before reattaching.")
    var noReset = false
    @Flag(help: "Reattach even a device not bound to vfio-pci or pci-stub (or whose binding cannot be read).")
    var force = false
    @Flag(name: .customLong("dry-run"), help: "Check and say what would happen; change nothing.")
    var dryRun = false

    func run() throws {
        try reportingFailures {
            let names = try devices.parsed()
            let lines = try AssignmentFailure.mapping {
                () throws(AssignmentError) in
                try AssignmentSession(uri: devices.connect).reattach(
                    names, reset: !noReset, force: force, dryRun: dryRun)
            }
            for line in lines { print(line) }
        }
    }
}

/// Turns the library's assignment errors into exit codes.
enum AssignmentFailure {
    static func mapping<T>(host: HostOptions? = nil, _ body: () throws(AssignmentError) -> T) throws -> T {
        do throws(AssignmentError) {
            return try body()
        } catch {
            switch error {
            case .refused(let findings):
                throw CommandFailure.refused(
                    findings.map { finding in
                        var text = finding.message
                        if RuleCatalogue.yieldsToForce(finding.rule) { text += " (--force overrides this guard)" }
                        if let fixIt = finding.fixIt { text += "\n  fix: " + FixItText.render(fixIt, host: host) }
                        return text
                    }.joined(separator: "\nhostdev: "))
            case .host(let message): throw CommandFailure.host(message)
            }
        }
    }
}
