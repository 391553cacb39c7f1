import ArgumentParser
import Hostdev

/// Device names given on the command line, validated before they can reach a lookup or a path.
struct DeviceArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("Node-device names (pci_0000_01_00_0).", valueName: "name"))
    var names: [String]

    @Option(name: [.customShort("c"), .long], help: "libvirt URI (default: LIBVIRT_DEFAULT_URI or libvirt's choice).")
    var connect: String?

    /// The parsed names; a malformed one is bad input (exit 2).
    func parsed() throws -> [DeviceName] { try Self.parse(names) }

    /// Parses names given anywhere on the command line; a malformed one is bad input (exit 2).
    static func parse(_ names: [String]) throws -> [DeviceName] {
        try names.map { name in
            do throws(AddressError) {
                return try DeviceName(name)
            } catch {
                throw CommandFailure.usage(error.description)
            }
        }
    }
}
