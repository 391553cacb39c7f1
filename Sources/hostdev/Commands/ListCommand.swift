import ArgumentParser
import Hostdev

/// `hostdev list`: host devices by capability and by owning domain.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List host devices, by capability or by the domain that owns them.",
        discussion: "The JSON form is VDSM's: {NAME: {params: {...}, vmId: UUID}}.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var host: HostOptions

    @Option(name: .customLong("capability"), help: "Keep devices with this capability (pci, usb_device, scsi, net…).")
    var capabilities: [String] = []

    @Option(help: "Keep devices that this domain (name or UUID) uses as hostdev sources.")
    var domain: String?

    @Option(help: "Output format.")
    var format: Format = .table

    func run() throws {
        try reportingFailures {
            do throws(InventoryError) {
                try DeviceListing.checkCapabilities(capabilities)
            } catch {
                throw CommandFailure.usage(error.description)
            }
            let inventory = try host.loadInventory()
            let listing: DeviceListing
            do throws(InventoryError) {
                listing = try DeviceListing(inventory: inventory, capabilities: capabilities, domain: domain)
            } catch {
                throw CommandFailure.usage(error.description)
            }
            try StandardOutput.write(format == .json ? listing.vdsmJSON() + "\n" : listing.table())
        }
    }
}
