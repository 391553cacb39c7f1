/// VDSM's device dictionary written straight to JSON text, in ``PrettyJSON``'s form (keys in the
/// order of their UTF-8 bytes), without an encoder's intermediate values: a host of thousands of
/// devices is listed in a few milliseconds.
extension DeviceListing {
    /// The entries as ``PrettyJSON`` writes them.
    static func json(_ entries: [String: VDSMEntry]) -> String {
        var output = JSONOutput(capacity: entries.count * 640)
        output.object(entries) { output, entry in entry.write(to: &output) }
        return output.text
    }
}

extension VDSMEntry {
    func write(to output: inout JSONOutput) {
        output.openObject()
        output.key("params")
        params.write(to: &output)
        output.member("vmId", vmId)
        output.closeObject()
    }
}

extension VDSMParams {
    func write(to output: inout JSONOutput) {
        output.openObject()
        output.member("address", address)
        output.member("block_path", block_path)
        output.member("capability", capability)
        output.member("driver", driver)
        output.member("interface", interface)
        output.member("iommu_group", iommu_group)
        output.member("is_assignable", is_assignable)
        if let mdev {
            output.key("mdev")
            output.object(mdev) { output, type in type.write(to: &output) }
        }
        output.member("mdev_type", mdev_type)
        output.member("numa_node", numa_node)
        output.member("parent", parent)
        output.member("physfn", physfn)
        output.member("product", product)
        output.member("product_id", product_id)
        output.member("totalvfs", totalvfs)
        output.member("udev_path", udev_path)
        output.member("uuid", uuid)
        output.member("vendor", vendor)
        output.member("vendor_id", vendor_id)
        output.member("vfs", vfs)
        output.closeObject()
    }
}

extension VDSMMdevType {
    func write(to output: inout JSONOutput) {
        output.openObject()
        output.member("available_instances", available_instances)
        output.member("description", description)
        output.member("device_api", device_api)
        output.member("name", name)
        output.closeObject()
    }
}
