import ArgumentParser
import Hostdev

/// `hostdev mdev`: mediated-device instances on the host.
struct MdevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mdev",
        abstract: "Create and remove mediated-device (vGPU) instances through sysfs.",
        subcommands: [MdevCreateCommand.self, MdevRemoveCommand.self])
}

/// `hostdev mdev create`: a new instance of a type, placed as VDSM places it.
struct MdevCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an instance of an mdev type (the type's sysfs create).",
        discussion: """
            Without --parent the parent is chosen by --placement among those with an instance of the \
            type available (hostdev list --capability mdev_types shows them): compact fills one parent \
            first, separate spreads instances across parents. Refuses an existing UUID, a type no parent \
            has free, and a parent a domain holds whole.
            """)

    @Option(help: "The mdev type (nvidia-11).")
    var type: String

    @Option(help: "The parent device; chosen by placement when left out.")
    var parent: String?

    @Option(help: "compact or separate.")
    var placement = "compact"

    @Option(help: "The new instance's UUID; a random one when left out.")
    var uuid: String?

    @OptionGroup var host: HostChangeOptions

    func run() throws {
        try reportingFailures {
            guard let placement = MdevRequest.Placement(rawValue: placement) else {
                throw CommandFailure.usage("--placement must be compact or separate, not '\(placement)'")
            }
            let parent = try parent.map { try DeviceArguments.parse([$0])[0] }
            if let uuid, !MdevDetails.isInstanceUUID(uuid) {
                throw CommandFailure.usage("--uuid '\(uuid)' is not a UUID")
            }
            let domains = try host.loadDomains()
            let inventory = try host.loadDevices()
            switch MdevInstances.plan(
                type: type, placement: placement, parent: parent, uuid: uuid, inventory: inventory, domains: domains)
            {
            case .failure(let refusal):
                throw CommandFailure.refused(refusal.description)
            case .success(let creation):
                do throws(HostChangeError) {
                    try MdevInstances.create(creation, root: host.sysfs)
                } catch {
                    throw CommandFailure.host(error.description)
                }
                if let note = creation.note { printError("hostdev: note: " + note) }
                print("created \(creation.uuid) (\(creation.type)) on \(creation.parent.name)")
            }
        }
    }
}

/// `hostdev mdev remove`: an instance no running domain uses.
struct MdevRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a mediated-device instance (its sysfs remove).",
        discussion: "Refuses an instance a running domain uses.")

    @Argument(help: "The instance's UUID.")
    var uuid: String

    @OptionGroup var host: HostChangeOptions

    func run() throws {
        try reportingFailures {
            guard MdevDetails.isInstanceUUID(uuid) else { throw CommandFailure.usage("'\(uuid)' is not a UUID") }
            let domains = try host.loadDomains()
            let inventory = try host.loadDevices()
            let refusals = MdevInstances.refusals(removing: uuid, inventory: inventory, domains: domains)
            guard refusals.isEmpty else {
                throw CommandFailure.refused(refusals.map(\.description).joined(separator: "\nhostdev: "))
            }
            do throws(HostChangeError) {
                try MdevInstances.remove(uuid: uuid, root: host.sysfs)
            } catch {
                throw CommandFailure.host(error.description)
            }
            print("removed \(uuid.lowercased())")
        }
    }
}
