import ArgumentParser
import Hostdev

/// `hostdev detach`: unbind devices from their host drivers and bind them to vfio-pci, through libvirt.
struct DetachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detach",
        abstract: "Detach devices from the host for assignment (virNodeDeviceDetachFlags with vfio).",
        discussion: """
            Refuses a device that is not assignable, that a running domain owns, or that the host itself \
            uses (a mounted filesystem or swap on it, a network interface on it that is up), or whose use \
            by the host cannot be read; --force overrides the last two guards only. What the host uses is \
            read from /sys when the connection is local.
            """)

    @OptionGroup var devices: DeviceArguments
    @Flag(help: "Detach even a device the host uses (or whose use cannot be read).")
    var force = false
    @Flag(name: .customLong("dry-run"), help: "Check and say what would happen; change nothing.")
    var dryRun = false

    func run() throws {
        try reportingFailures {
            let names = try devices.parsed()
            let lines = try AssignmentFailure.mapping {
                () throws(AssignmentError) in
                try AssignmentSession(uri: devices.connect).detach(names, force: force, dryRun: dryRun)
            }
            for line in lines { print(line) }
        }
    }
}
