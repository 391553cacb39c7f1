import ArgumentParser
import Hostdev

/// `hostdev`: PCI host-device passthrough for libvirt guests.
@main
struct HostdevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hostdev",
        abstract: "PCI host-device passthrough for libvirt guests, made safe.",
        discussion: """
            Host sources (shared by every host-facing command):
              -c, --connect URI   libvirt (test:///ABS/PATH.xml: in-process test driver)
              --sysfs ROOT        a sysfs tree (/ for this host)
              --snapshot FILE     a test-driver <node> file (hostdev snapshot)

            Exit codes: 0 success, 1 refused (the output says why), 2 bad input or usage,
            3 the host or libvirt failed.
            """,
        version: hostdevVersion,
        subcommands: [
            CapsCommand.self, ListCommand.self, DetachCommand.self, ReattachCommand.self, SnapshotCommand.self,
            TransformCommand.self, DefineCommand.self, LintCommand.self, DoctorCommand.self, ExplainCommand.self,
            HookCommand.self, SriovCommand.self, MdevCommand.self,
        ]
    )

    /// Runs the command, mapping argument errors to exit code 2 as documented (not sysexits' 64).
    static func main() {
        StandardOutput.reserveStandardDescriptors()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                printError(fullMessage(for: error))
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}
