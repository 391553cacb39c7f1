extension HostInventory {
    /// A statement of one device that another statement, of the same device or of another, denies.
    ///
    /// Every source (a snapshot file, libvirt, a sysfs tree) checks the devices it read with
    /// ``firstContradiction(in:naming:)`` before it builds the inventory: a host whose devices
    /// contradict each other is refused, not guessed at.
    struct Contradiction: Sendable, Equatable {
        /// The index of the device where it shows: the later of the two devices it involves.
        let device: Int
        /// What contradicts what, naming the devices.
        let reason: String
    }

    /// The first contradiction between `devices`, in the order a source read them; `nil` when they
    /// agree. The message names the device where it shows by its name, and another device it
    /// involves as `naming` does (with its line, for a file).
    ///
    /// Contradictions, each shown at the later device it involves:
    /// - a device named for a PCI address (`pci_0000_0a_00_0`) that is not the PCI device at that
    ///   address: its listing would show it, a lookup by name would not find it;
    /// - a device that is its own parent, or devices that are each other's parents;
    /// - two PCI devices at the same address;
    /// - a PCI device listing another in its IOMMU group when that device declares another group:
    ///   the groups would be merged, and a transform would add it to a group it denies.
    ///
    /// A member listed by its group but described by no device, or by a device without a group, is
    /// not a contradiction: nothing denies it.
    static func firstContradiction(in devices: [HostDevice], naming: (Int) -> String) -> Contradiction? {
        var first: Contradiction?
        func found(_ device: Int, _ reason: @autoclosure () -> String) {
            // Document order; of two shown at the same device, the one found first.
            if first.map({ device < $0.device }) ?? true { first = Contradiction(device: device, reason: reason()) }
        }
        func name(_ index: Int, shownAt device: Int) -> String {
            index == device ? devices[index].name : naming(index)
        }
        // Devices are read in place, by index: a copy of each costs more than the checks.
        var byAddress: [PCIAddress: Int] = [:]
        var byName: [String: Int] = [:]
        byAddress.reserveCapacity(devices.count)
        byName.reserveCapacity(devices.count)
        for index in devices.indices {
            let name = devices[index].name
            let address = devices[index].pci?.address
            if byName[name] == nil { byName[name] = index }
            // The usual case, a PCI device under its own address's name, is told without parsing.
            let namedAsItIs = address.map { name == $0.nodeDeviceName } ?? false
            if !namedAsItIs, name.hasPrefix("pci_"), let named = Self.pciAddress(named: name), named != address {
                let actually =
                    address.map { "its PCI address is \($0)" }
                    ?? "it is a \(devices[index].capability) device, not a PCI one"
                found(index, "device \(name) is named for PCI address \(named) but \(actually)")
            }
            if devices[index].parent == name {
                found(index, "device \(name) is its own parent")
            }
            guard let address else { continue }
            if let other = byAddress[address] {
                found(index, "devices \(naming(other)) and \(name) have the same PCI address \(address)")
            } else {
                byAddress[address] = index
            }
        }
        // Parents that lead back to a device (A's parent B, B's parent A): each chain is walked once,
        // what is known to end (state 2) is not walked again.
        var state = [UInt8](repeating: 0, count: devices.count)
        for start in devices.indices where state[start] == 0 {
            var chain: [Int] = []
            var current: Int? = start
            while let index = current, state[index] != 2 {
                if state[index] == 1 {
                    let loop = chain[chain.firstIndex(of: index)!...].map { devices[$0].name } + [devices[index].name]
                    if loop.count > 2 {  // a device that is its own parent is reported above
                        found(chain.max()!, "devices \(loop.joined(separator: " → ")) are each other's parents")
                    }
                    break
                }
                chain.append(index)
                state[index] = 1
                current = devices[index].parent.flatMap { byName[$0] }
            }
            for index in chain { state[index] = 2 }
        }
        // Every device of a group usually lists the same members: each list is checked once.
        var listed: [Int: [PCIAddress]] = [:]
        for (index, device) in devices.enumerated() {
            guard let pci = device.pci, let group = pci.iommuGroup, listed[group] != pci.iommuGroupMembers else {
                continue
            }
            listed[group] = pci.iommuGroupMembers
            for member in pci.iommuGroupMembers {
                guard let other = byAddress[member], let declared = devices[other].pci?.iommuGroup, declared != group
                else { continue }
                let shown = max(index, other)
                let (lister, denier) = (name(index, shownAt: shown), name(other, shownAt: shown))
                found(
                    shown,
                    "device \(lister) lists \(denier) in IOMMU group \(group), but \(denier) declares IOMMU group \(declared)"
                )
            }
        }
        return first
    }

    /// The PCI address a device name stands for (`pci_0000_0a_00_0`); `nil` for a name of another
    /// kind, or one that is no node-device name at all (it then claims no address).
    private static func pciAddress(named name: String) -> PCIAddress? {
        do throws(AddressError) {
            return try DeviceName(name).pciAddress
        } catch {
            return nil
        }
    }

    /// Refuses devices that contradict each other, read from a source that is not a file (libvirt,
    /// a sysfs tree): the message names the source (`origin`) and the devices, the first
    /// contradiction in the order of the devices' names.
    static func refuseContradictions(in devices: [HostDevice], origin: String) throws(InventoryError) {
        // In name order: libvirt lists its devices in no fixed order, and the same host must give
        // the same message.
        let ordered = devices.sorted { $0.name < $1.name }
        guard let contradiction = firstContradiction(in: ordered, naming: { ordered[$0].name }) else { return }
        throw InventoryError(.malformed, "\(origin): \(contradiction.reason)")
    }
}
