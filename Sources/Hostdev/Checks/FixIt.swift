/// What to do about a finding, as data: the words (naming no command-line flag) and, when hostdev
/// itself can do it, the action with its parameters. Only the command-line tool turns an action
/// into a command line.
public struct FixIt: Sendable, Equatable, Encodable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// Something hostdev can do about a finding.
    public enum Action: Sendable, Equatable, Encodable {
        /// Transform the domain again, adding the missing endpoints of an IOMMU group.
        case includeGroup(group: Int)
        /// Transform a domain file in place (which marks it non-migratable).
        case transformInPlace(file: String)
        /// Detach devices from their host drivers (bind them to vfio-pci).
        case detach(devices: [String])
        /// List the devices of the host that was checked.
        case listHostDevices
        /// Name a host source to check against.
        case chooseHostSource
        /// Check the host itself, reading its own sysfs, `/proc` and `/dev`.
        case doctorOnThisHost
        /// Check the host that was given for passthrough (IOMMU, vfio, groups, device nodes).
        case checkHost
        /// List the host's mediated-device types and what each parent has free.
        case listMediatedDeviceTypes
        /// Create a mediated-device instance on the host.
        case createMediatedDevice
    }

    /// What to do, in words.
    public var message: String
    /// The action that does it, when hostdev has one.
    public var action: Action?

    /// Creates a fix-it.
    public init(_ message: String, action: Action? = nil) {
        self.message = message
        self.action = action
    }

    /// A fix-it in words only.
    public init(stringLiteral value: String) { self.init(value) }

    /// A fix-it in words only.
    public init(stringInterpolation: DefaultStringInterpolation) {
        self.init(String(stringInterpolation: stringInterpolation))
    }

    public var description: String { message }
}
