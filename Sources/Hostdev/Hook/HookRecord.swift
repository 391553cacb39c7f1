#if canImport(Glibc)
    import Glibc
#endif

/// What the hook detached for a domain, so that it gives back exactly those devices when the
/// domain stops (and not a device an administrator bound to vfio-pci for good):
/// `/run/hostdev/qemu/NAME.devices`, one `ADDRESS DRIVER` line per device (`-` for none).
struct HookRecord: Equatable {
    /// The directory, relative to the root (a tmpfs: the records go with a reboot, as do the bindings).
    static let directory = "run/hostdev/qemu"

    /// Each detached device and the driver it had.
    var devices: [(address: PCIAddress, driver: String?)]

    static func == (lhs: HookRecord, rhs: HookRecord) -> Bool {
        lhs.devices.map(\.address) == rhs.devices.map(\.address)
            && lhs.devices.map(\.driver) == rhs.devices.map(\.driver)
    }

    static func path(root: String, domain: String) -> String {
        SysfsTree(root: root).absolute(directory + "/" + domain + ".devices")
    }

    /// The record of a domain; `nil` when the hook detached nothing for it.
    static func read(root: String, domain: String) throws(HookFailure) -> HookRecord? {
        let text: String?
        do throws(InventoryError) {
            text = try SysfsTree(root: root).text(directory + "/" + domain + ".devices")
        } catch {
            throw HookFailure(error.description)
        }
        guard let text else { return nil }
        var devices: [(PCIAddress, String?)] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            let unreadable = HookFailure("\(path(root: root, domain: domain)): unreadable line '\(line)'")
            guard fields.count == 2 else { throw unreadable }
            do throws(AddressError) {
                let address = try PCIAddress(sysfsName: String(fields[0]))
                devices.append((address, fields[1] == "-" ? nil : String(fields[1])))
            } catch {
                throw unreadable
            }
        }
        return HookRecord(devices: devices)
    }

    /// Writes the record atomically, creating its directory.
    func write(root: String, domain: String) throws(HookFailure) {
        let tree = SysfsTree(root: root)
        var directory = ""
        for part in Self.directory.split(separator: "/") {
            directory += (directory.isEmpty ? "" : "/") + part
            mkdir(tree.absolute(directory), 0o755)
        }
        let text = devices.map { "\($0.address) \($0.driver ?? "-")\n" }.joined()
        do throws(AtomicFile.WriteError) {
            try AtomicFile.write(Array(text.utf8), to: Self.path(root: root, domain: domain))
        } catch {
            throw HookFailure(error.description)
        }
    }

    /// Removes the record.
    static func remove(root: String, domain: String) {
        unlink(path(root: root, domain: domain))
    }
}
