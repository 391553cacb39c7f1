import ArgumentParser
import Hostdev

/// `hostdev caps`: can this host do passthrough?
struct CapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caps",
        abstract: "Report whether the host can do passthrough (VDSM's hostPassthrough) and the evidence.",
        discussion: """
            hostPassthrough is true when the kernel command line enables an IOMMU (intel_iommu=on, \
            amd_iommu=on or iommu=on), as the feature page says; the other lines are the stronger \
            evidence: IOMMU groups, an IOMMU registered under /sys/class/iommu, /dev/vfio/vfio, the \
            vfio-pci driver. A libvirt source cannot see the command line; libvirt's own IOMMU answer \
            is used instead.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var host: HostOptions

    @Option(help: "Output format.")
    var format: Format = .text

    func run() throws {
        try reportingFailures {
            let capabilities = HostCapabilities(inventory: try host.loadInventory())
            try StandardOutput.write(format == .json ? capabilities.json() + "\n" : capabilities.text())
        }
    }
}
