import ArgumentParser
import Hostdev

/// `hostdev doctor`: is this host ready to pass these devices through?
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the host for passthrough: IOMMU, vfio, group viability, /dev/vfio permissions.",
        discussion: """
            Each check prints ok, warning, error or unknown (the source cannot see it), the evidence it \
            read, and a fix. Without DEVICE, the devices owned by the host's domains are checked. Without \
            a host source (and without LIBVIRT_DEFAULT_URI), this host is checked (--sysfs /). Exit 0 \
            when nothing is an error, 1 otherwise.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: ArgumentHelp("Devices to check (pci_0000_01_00_0).", valueName: "device"))
    var devices: [String] = []

    @OptionGroup var host: HostOptions

    @Option(
        name: .customLong("qemu-user"),
        help: ArgumentHelp(
            "The user QEMU runs as (default: user in the source's /etc/libvirt/qemu.conf, else libvirt-qemu where only it exists, else qemu).",
            valueName: "user"))
    var qemuUser: String?

    @Option(help: "Output format.")
    var format: Format = .text

    func run() throws {
        var failed = false
        try reportingFailures {
            let names = try DeviceArguments.parse(devices)
            let inventory = try host.loadInventory(thisHost: true)
            let report = Doctor(inventory: inventory, qemuUser: qemuUser ?? inventory.facts.qemuUser).run(
                devices: names)
            let text = report.text { FixItText.render($0, host: host, indent: "    ") }
            try StandardOutput.write(format == .json ? report.json() + "\n" : text)
            failed = report.hasErrors
        }
        if failed { throw ExitCode(1) }
    }
}
