import ArgumentParser
import Hostdev
import Libvirt

/// `hostdev detach`: unbind devices from their host drivers and bind them to vfio-pci, through libvirt.
struct DetachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detach",
        abstract: "Detach devices from the host for assignment (virNodeDeviceDetachFlags with vfio).",
        discussion: """
            Refuses a device that is not assignable, that a running domain owns, or that the host itself \
            uses (a mounted filesystem or swap on it, a network interface on it that is up); --force \
            overrides the last guard only. What the host uses is read from /sys when the connection is \
            local.
            """)

    @OptionGroup var devices: DeviceArguments
    @Flag(help: "Detach even a device the host uses.")
    var force = false

    func run() throws {
        try reportingFailures {
            let names = try devices.parsed()
            let session = try AssignmentSession(uri: devices.connect)
            var refused: [String] = []
            for name in names {
                let device = try session.device(name)
                refused += DeviceAssignment.refusals(detaching: device, inventory: session.inventory, force: force)
                    .map(\.description)
            }
            guard refused.isEmpty else { throw CommandFailure.refused(refused.joined(separator: "\nhostdev: ")) }
            for name in names {
                try session.perform("detach \(name)") { () throws(LibvirtError) in
                    try DeviceAssignment.detach(name.description, on: session.connection)
                }
                print("detached \(name) (bound to vfio-pci)")
            }
        }
    }
}
