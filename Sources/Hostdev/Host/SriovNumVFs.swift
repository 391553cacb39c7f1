/// VDSM's `hostdevChangeNumvfs`: sets how many virtual functions an SR-IOV physical function has,
/// through sysfs `sriov_numvfs`, with the guards that keep guests and the host whole.
public enum SriovNumVFs {
    /// Why the count must not change now. `hostUse` is the only refusal `force` overrides.
    public enum Refusal: Sendable, Equatable, CustomStringConvertible {
        case notPhysicalFunction(String)
        case outOfRange(String, requested: Int, total: Int)
        case virtualFunctionAssigned(String, domain: String, running: Bool)
        case hostUse(String, [String])

        public var description: String {
            switch self {
            case .notPhysicalFunction(let name):
                "\(name) is not an SR-IOV physical function (no sriov_totalvfs, no virt_functions capability)"
            case .outOfRange(let name, _, let total) where total < 0:
                "\(name) reports \(total) as its sriov_totalvfs; the count is not changed"
            case .outOfRange(let name, let requested, let total):
                "\(name) supports 0 to \(total) virtual functions, not \(requested)"
            case .virtualFunctionAssigned(let name, let domain, let running):
                "virtual function \(name) is assigned to domain '\(domain)' (\(running ? "running" : "shut off")); remove it from the domain first: changing the count destroys every VF"
            case .hostUse(let name, let uses):
                "the host uses \(name): \(uses.joined(separator: "; "))"
            }
        }
    }

    /// The refusals for setting `numVFs` on `pf`; empty when it may go.
    /// - Parameters:
    ///   - inventory: the host's devices and what it uses (a sysfs read).
    ///   - domains: every domain defined on the host, whose hostdevs and hostdev interfaces are checked.
    ///   - force: override the host-use guard (and only that one).
    public static func refusals(
        pf: HostDevice, numVFs: Int, inventory: HostInventory, domains: [HostDomain], force: Bool
    ) -> [Refusal] {
        guard let pci = pf.pci, let total = pci.totalVFs, pci.physicalFunction == nil else {
            return [.notPhysicalFunction(pf.name)]
        }
        // A negative sriov_totalvfs is a host that cannot be read, not a range.
        guard total >= 0, (0...total).contains(numVFs) else {
            return [.outOfRange(pf.name, requested: numVFs, total: total)]
        }
        var refusals: [Refusal] = []
        for vf in virtualFunctions(of: pci.address, inventory: inventory) {
            for domain in domains where domain.hostdevSources.contains(where: { $0.matches(vf) }) {
                refusals.append(.virtualFunctionAssigned(vf.name, domain: domain.name, running: domain.isActive))
            }
        }
        if !force {
            for device in [pf] + virtualFunctions(of: pci.address, inventory: inventory) {
                if let address = device.pci?.address, let uses = inventory.facts.hostUse?[address], !uses.isEmpty {
                    refusals.append(.hostUse(device.name, uses))
                }
            }
        }
        return refusals
    }

    /// The values written to `sriov_numvfs`, in order: none when the count is already right, 0
    /// first when changing a non-zero count (the kernel refuses a change from one non-zero count
    /// to another).
    public static func values(current: Int, requested: Int) -> [Int] {
        if current == requested { return [] }
        return current == 0 || requested == 0 ? [requested] : [0, requested]
    }

    /// The VFs of a PF: its `virtfnN` links and every device whose `physfn` is the PF.
    static func virtualFunctions(of pf: PCIAddress, inventory: HostInventory) -> [HostDevice] {
        let listed = inventory.device(at: pf)?.pci?.virtualFunctions ?? []
        let linked = inventory.devices.filter { $0.pci?.physicalFunction == pf }.compactMap { $0.pci?.address }
        return Set(listed + linked).sorted().compactMap { inventory.device(at: $0) }
    }

    /// Sets the count under a sysfs root and reads the host again.
    /// - Returns: the PF's virtual functions after the change.
    public static func apply(
        pf: PCIAddress, numVFs: Int, root: String, writer: (any SysfsAttributeWriter)? = nil
    ) throws(HostChangeError) -> [String] {
        let writer = writer ?? SysfsAttributeFiles(root: root)
        let attribute = "sys/bus/pci/devices/\(pf.description)/sriov_numvfs"
        let current: Int
        do throws(InventoryError) {
            let tree = SysfsTree(root: root)
            guard let text = try tree.text(attribute) else {
                throw InventoryError(.unreadable, "\(tree.absolute(attribute)) does not exist")
            }
            guard let value = Int(text) else {
                throw InventoryError(.malformed, "\(tree.absolute(attribute)) holds '\(text)', not a number")
            }
            current = value
        } catch {
            throw .host(error.description)
        }
        for value in values(current: current, requested: numVFs) {
            do throws(HookFailure) {
                try writer.write(String(value), to: attribute)
            } catch {
                throw .host(error.description)
            }
        }
        do throws(InventoryError) {
            let inventory = try InventorySource.sysfs(root: root).load()
            return virtualFunctions(of: pf, inventory: inventory).map(\.name)
        } catch {
            throw .host(error.description)
        }
    }
}

/// Why an SR-IOV or mediated-device change could not be made on the host.
public enum HostChangeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Reading or writing sysfs failed.
    case host(String)

    public var description: String {
        switch self {
        case .host(let reason): reason
        }
    }
}
