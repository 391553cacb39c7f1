import ArgumentParser
import Hostdev
import Libvirt

/// `hostdev reattach`: give devices back to their host drivers, through libvirt.
struct ReattachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reattach",
        abstract: "Give devices back to the host (virNodeDeviceReset, then virNodeDeviceReAttach).",
        discussion: "The reset first avoids the classic hang of a device returned in the state a guest left it.")

    @OptionGroup var devices: DeviceArguments
    @Flag(name: .customLong("no-reset"), help: "Skip the device reset before reattaching.")
    var noReset = false

    func run() throws {
        try reportingFailures {
            let names = try devices.parsed()
            let session = try AssignmentSession(uri: devices.connect)
            var refused: [String] = []
            for name in names {
                refused += DeviceAssignment.refusals(
                    reattaching: try session.device(name), inventory: session.inventory
                )
                .map(\.description)
            }
            guard refused.isEmpty else { throw CommandFailure.refused(refused.joined(separator: "\nhostdev: ")) }
            for name in names {
                try session.perform("reattach \(name)") { () throws(LibvirtError) in
                    try DeviceAssignment.reattach(name.description, reset: !noReset, on: session.connection)
                }
                print("reattached \(name)\(noReset ? "" : " (reset first)")")
            }
        }
    }
}

/// A read-write connection and the host's inventory, for detach and reattach.
struct AssignmentSession {
    let connection: Connection
    let inventory: HostInventory
    let uri: String

    init(uri: String?) throws {
        do throws(LibvirtError) {
            connection = try Connection(uri: uri)
            self.uri = try connection.uri
        } catch {
            throw CommandFailure.host(error.description)
        }
        var loaded: HostInventory
        do throws(InventoryError) {
            loaded = try InventorySource.libvirt(uri: uri).load()
            // libvirt cannot tell what the host uses; on a local connection /sys can.
            if Self.isLocal(self.uri), let live = try? InventorySource.sysfs(root: "/").load() {
                var facts = loaded.facts
                facts.hostUse = live.facts.hostUse
                loaded = HostInventory(
                    devices: loaded.devices, domains: loaded.domains, facts: facts, origin: loaded.origin)
            }
        } catch {
            throw CommandFailure.host(error.description)
        }
        inventory = loaded
    }

    /// qemu:///system and friends run on this host; test:// and remote URIs do not.
    static func isLocal(_ uri: String) -> Bool {
        guard let scheme = uri.split(separator: ":").first else { return false }
        return !scheme.contains("+") && scheme != "test" && (uri.hasPrefix(scheme + ":///"))
    }

    func device(_ name: DeviceName) throws -> HostDevice {
        guard let device = inventory.device(named: name) else {
            throw CommandFailure.refused("\(name) is not a device on \(uri)")
        }
        return device
    }

    func perform(_ what: String, _ body: () throws(LibvirtError) -> Void) throws {
        do throws(LibvirtError) {
            try body()
        } catch {
            if error.code == .noSupport {
                throw CommandFailure.host(
                    "cannot \(what): the connection \(uri) does not support it (\(error.message))")
            }
            throw CommandFailure.host("cannot \(what): \(error.description)")
        }
    }
}
