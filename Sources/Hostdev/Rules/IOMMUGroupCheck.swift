/// The central passthrough rule: a domain that takes one device of an IOMMU group must take every
/// endpoint device of that group, because vfio isolates groups, not devices.
///
/// Bridges and root ports in a group are exempt (vfio does not need them bound), as are members
/// that are placeholders (detached so the group is viable, but not given to the guest).
public enum IOMMUGroupCheck {
    /// The stable rule id, shared by the transform and the linter.
    public static let rule = "iommu-group-incomplete"

    /// One incomplete group.
    public struct Gap: Sendable, Equatable {
        /// The IOMMU group number.
        public var group: Int
        /// The assigned devices of the group.
        public var assigned: [PCIAddress]
        /// The endpoint members that are neither assigned nor placeholders.
        public var missing: [PCIAddress]
    }

    /// Finds the incomplete groups among the devices a domain takes.
    /// - Parameters:
    ///   - assigned: PCI addresses the domain takes (requested and already present).
    ///   - placeholders: addresses detached for the group's sake but not given to the guest.
    ///   - inventory: the host.
    public static func gaps(assigned: Set<PCIAddress>, placeholders: Set<PCIAddress> = [], inventory: HostInventory)
        -> [Gap]
    {
        var groups: [Int: [PCIAddress]] = [:]
        for address in assigned {
            // A bridge cannot be assigned at all; that is another rule's finding, not a group's gap.
            guard let pci = inventory.device(at: address)?.pci, !pci.isBridge, let group = pci.iommuGroup else {
                continue
            }
            groups[group, default: []].append(address)
        }
        return groups.keys.sorted().compactMap { group in
            let missing = inventory.groupMembers(group).filter { member in
                guard !assigned.contains(member), !placeholders.contains(member) else { return false }
                // An address listed in the group but absent from the host is still a member the kernel sees.
                return !(inventory.device(at: member)?.pci?.isBridge ?? false)
            }
            return missing.isEmpty ? nil : Gap(group: group, assigned: groups[group]!.sorted(), missing: missing)
        }
    }

    /// The message both the transform and the linter print for a gap.
    public static func message(for gap: Gap, inventory: HostInventory) -> String {
        let missing = gap.missing.map { address in
            let driver = inventory.device(at: address)?.driver.map { " (driver \($0))" } ?? ""
            return address.nodeDeviceName + driver
        }
        let assigned = gap.assigned.map(\.nodeDeviceName).joined(separator: ", ")
        return "IOMMU group \(gap.group) is incomplete: \(assigned) "
            + (gap.assigned.count == 1 ? "shares it" : "share it") + " with "
            + missing.joined(separator: ", ") + ", not assigned to this domain"
    }

    /// The fix-it for a gap.
    public static func fixIt(for gap: Gap) -> FixIt {
        FixIt(
            "assign every endpoint of group \(gap.group) to this domain, or mark the others as placeholders "
                + "(specParams iommuPlaceholder)", action: .includeGroup(group: gap.group))
    }
}
