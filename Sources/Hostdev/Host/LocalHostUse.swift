/// What the host itself uses, for a libvirt connection to this very host: libvirt cannot tell, its
/// sysfs can. Unreadable is unknown (`nil`), never "nothing", so the guards that need it refuse.
extension HostInventory {
    /// The inventory with ``HostFacts/hostUse`` read from the sysfs tree at `root` (`nil` when it
    /// cannot be read).
    public func readingHostUse(fromSysfs root: String) -> HostInventory {
        var facts = self.facts
        do throws(InventoryError) {
            facts.hostUse = try SysfsSource.load(root: root).facts.hostUse
        } catch {
            facts.hostUse = nil
        }
        return HostInventory(devices: devices, domains: domains, facts: facts, origin: origin)
    }

    /// Whether a libvirt URI names this host (`qemu:///system` and friends); `test://` and remote
    /// URIs do not.
    public static func isLocal(uri: String) -> Bool {
        guard let scheme = uri.split(separator: ":").first else { return false }
        return !scheme.contains("+") && scheme != "test" && uri.hasPrefix(scheme + ":///")
    }
}
