/// One mediated-device type a parent offers (libvirt's `<capability type='mdev_types'><type id=…>`,
/// sysfs `mdev_supported_types/ID/`).
public struct MdevType: Sendable, Equatable {
    /// The type id (`nvidia-11`, `i915-GVTg_V5_8`).
    public var id: String
    /// The human name (`GRID M60-0B`), when the driver gives one.
    public var name: String?
    /// The device API an instance presents (`vfio-pci`).
    public var deviceAPI: String?
    /// How many more instances of the type the parent can create now.
    public var availableInstances: Int
    /// The driver's description, when sysfs has one.
    public var description: String?

    /// Creates a type record.
    public init(
        id: String, name: String? = nil, deviceAPI: String? = nil, availableInstances: Int,
        description: String? = nil
    ) {
        self.id = id
        self.name = name
        self.deviceAPI = deviceAPI
        self.availableInstances = availableInstances
        self.description = description
    }
}

/// An existing mediated device (libvirt's `<capability type='mdev'>`, sysfs `/sys/bus/mdev/devices/UUID`).
public struct MdevDetails: Sendable, Equatable {
    /// The instance's UUID, lowercase with dashes.
    public var uuid: String
    /// Its type id.
    public var type: String?
    /// Its IOMMU group, when the source shows one.
    public var iommuGroup: Int?

    /// Creates mdev details.
    public init(uuid: String, type: String?, iommuGroup: Int? = nil) {
        self.uuid = uuid
        self.type = type
        self.iommuGroup = iommuGroup
    }

    /// libvirt's node-device name for an instance: `mdev_` and the UUID with `_` for `-`.
    /// Whether `text` can name a mediated-device instance: a UUID in its dashed form of ASCII
    /// hexadecimal digits, as sysfs names instances (`mdev create --uuid`, `mdev remove`).
    public static func isInstanceUUID(_ text: String) -> Bool {
        text.utf8.count == 36
            && text.split(separator: "-", omittingEmptySubsequences: false).map(\.count) == [8, 4, 4, 4, 12]
            && text.unicodeScalars.allSatisfy { $0 == "-" || $0.properties.isASCIIHexDigit }
    }

    public static func nodeDeviceName(uuid: String) -> String {
        "mdev_" + uuid.lowercased().replacingOccurrences("-", "_")
    }
}
