/// Reads a sysfs tree (`ROOT/sys/bus/pci/devices`, `ROOT/sys/kernel/iommu_groups`, …).
enum SysfsSource {
    static func load(root: String) throws(InventoryError) -> HostInventory {
        throw InventoryError(.unsupported, "the sysfs source is not available yet", file: root)
    }
}
