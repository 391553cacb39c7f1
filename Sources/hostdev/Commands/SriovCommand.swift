import ArgumentParser
import Hostdev

/// `hostdev sriov`: VDSM's hostdevChangeNumvfs.
struct SriovCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sriov",
        abstract: "Set how many virtual functions an SR-IOV physical function has (sysfs sriov_numvfs).",
        discussion: """
            Writes 0 first when changing a non-zero count, as the kernel requires, then lists the new \
            virtual functions. Refuses while any VF is assigned to a domain (running or not) or the host \
            uses the PF or a VF (an interface that is up, a mounted filesystem); --force overrides the \
            last guard only. The domains come from --connect (or LIBVIRT_DEFAULT_URI) or --snapshot.
            """)

    @Argument(help: ArgumentHelp("The physical function (pci_0000_03_00_0).", valueName: "pf"))
    var pf: String

    @Option(help: "The number of virtual functions to have.")
    var numvfs: Int

    @OptionGroup var host: HostChangeOptions

    @Flag(help: "Change the count even while the host uses the PF or a VF.")
    var force = false

    func run() throws {
        try reportingFailures {
            let name = try DeviceArguments.parse([pf])[0]
            let domains = try host.loadDomains()
            let inventory = try host.loadDevices()
            guard let device = inventory.device(named: name), let address = device.pci?.address else {
                throw CommandFailure.refused("\(name) is not a PCI device on \(inventory.origin)")
            }
            let refusals = SriovNumVFs.refusals(
                pf: device, numVFs: numvfs, inventory: inventory, domains: domains, force: force)
            guard refusals.isEmpty else {
                let lines = refusals.map { refusal in
                    guard case .hostUse = refusal else { return refusal.description }
                    return refusal.description + " (pass --force to change the count anyway)"
                }
                throw CommandFailure.refused(lines.joined(separator: "\nhostdev: "))
            }
            do throws(HostChangeError) {
                let functions = try SriovNumVFs.apply(pf: address, numVFs: numvfs, root: host.sysfs)
                print("\(name): \(numvfs) virtual function\(numvfs == 1 ? "" : "s")")
                for function in functions { print("  \(function)") }
            } catch {
                throw CommandFailure.host(error.description)
            }
        }
    }
}
