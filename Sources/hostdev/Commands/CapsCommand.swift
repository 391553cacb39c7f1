import ArgumentParser
import Hostdev

/// `hostdev caps`: can this host do passthrough?
struct CapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caps",
        abstract: "Report whether the host can do passthrough (VDSM's hostPassthrough) and the evidence.",
        discussion: """
            hostPassthrough is true when the source shows the IOMMU at work: IOMMU groups, or an IOMMU \
            registered under /sys/class/iommu (AMD hosts need no command-line flag); the evidence is \
            printed under it, and the kernel command line (intel_iommu=on, amd_iommu=on, iommu=on) \
            beside it. Every fact comes from the chosen source or is reported unknown. Without a host \
            source (and without LIBVIRT_DEFAULT_URI), this host is read (--sysfs /).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var host: HostOptions

    @Option(help: "Output format.")
    var format: Format = .text

    func run() throws {
        try reportingFailures {
            let capabilities = HostCapabilities(inventory: try host.loadInventory(thisHost: true))
            try StandardOutput.write(format == .json ? capabilities.json() + "\n" : capabilities.text())
        }
    }
}
