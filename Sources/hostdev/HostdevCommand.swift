import ArgumentParser

/// `hostdev`: PCI host-device passthrough for libvirt guests.
@main
struct HostdevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hostdev",
        abstract: "PCI host-device passthrough for libvirt guests, made safe.",
        discussion: """
            Host sources (shared by every host-facing command):
              -c, --connect URI   libvirt (test:///ABS/PATH.xml is the in-process test driver)
              --sysfs ROOT        a sysfs tree (/ for this host)
              --snapshot FILE     a test-driver <node> file captured with `hostdev snapshot`

            Exit codes: 0 success, 1 refused (the output says why), 2 bad input or usage,
            3 the host or libvirt failed.
            """,
        subcommands: [
            CapsCommand.self, ListCommand.self, DetachCommand.self, ReattachCommand.self, SnapshotCommand.self,
            TransformCommand.self, DefineCommand.self, LintCommand.self, DoctorCommand.self, ExplainCommand.self,
        ]
    )
}
