/// Chooses the parent of a new mediated device, as VDSM does: among the devices that offer the type
/// with an instance available, `compact` takes the first (filling one parent before the next) and
/// `separate` the first that holds no instance of the type yet (falling back to compact when every
/// parent holds one). An NVIDIA parent hosts one type at a time, so a parent holding instances of
/// another type is passed over.
public struct MdevPlacement: Sendable {
    /// The host.
    public let inventory: HostInventory
    /// Instances placed earlier in the same run, by parent and type, on top of the host's.
    public private(set) var placed: [String: [String: Int]] = [:]

    /// Creates a placement over a host.
    public init(inventory: HostInventory) {
        self.inventory = inventory
    }

    /// A parent's offer of one type, as placement sees it.
    public struct Offer: Sendable, Equatable, CustomStringConvertible {
        /// The parent's name.
        public var parent: String
        /// Instances of the type it can still create, after this run's placements.
        public var free: Int
        /// Instances of the type it holds (on the host and placed in this run).
        public var holding: Int
        /// Whether it holds instances of another type and hosts one type at a time.
        public var holdsOtherType: Bool

        public var description: String {
            holdsOtherType ? "\(parent): holds another type" : "\(parent): \(free) free"
        }
    }

    /// Every parent that offers `type`, in name order.
    public func offers(of type: String) -> [Offer] {
        inventory.devices.compactMap { device -> Offer? in
            guard let offered = device.mdevTypes.first(where: { $0.id == type }) else { return nil }
            var byType: [String: Int] = placed[device.name] ?? [:]
            var existing: [String: Int] = [:]
            for instance in inventory.devices where instance.parent == device.name {
                guard let instanceType = instance.mdev?.type else { continue }
                existing[instanceType, default: 0] += 1
                byType[instanceType, default: 0] += 1
            }
            let oneTypeAtATime = device.pci?.vendorID == 0x10de
            let placedHere = placed[device.name]?[type] ?? 0
            return Offer(
                parent: device.name, free: max(0, offered.availableInstances - placedHere),
                holding: byType[type] ?? 0,
                holdsOtherType: oneTypeAtATime && byType.contains { $0.key != type && $0.value > 0 })
        }.sorted { $0.parent < $1.parent }
    }

    /// Why no parent could be chosen.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Chooses a parent for one instance of `type` and counts it as placed.
    /// - Returns: the parent's name, and a note when `separate` fell back to compact.
    public mutating func place(type: String, placement: MdevRequest.Placement, parent: DeviceName?)
        throws(Refusal) -> (parent: String, note: String?)
    {
        let offers = offers(of: type)
        guard !offers.isEmpty else {
            let offered = Set(inventory.devices.flatMap { $0.mdevTypes.map(\.id) }).sorted()
            throw Refusal(
                description: "no device on \(inventory.origin) offers mdev type \(type)"
                    + (offered.isEmpty
                        ? " (it has no mdev parents)" : " (types offered: \(offered.joined(separator: ", ")))"))
        }
        let usable = offers.filter { $0.free > 0 && !$0.holdsOtherType }
        var note: String?
        let chosen: Offer?
        if let parent {
            guard let offer = offers.first(where: { $0.parent == parent.description }) else {
                throw Refusal(
                    description:
                        "\(parent) does not offer mdev type \(type) (offered by \(offers.map(\.parent).joined(separator: ", ")))"
                )
            }
            chosen = usable.contains(offer) ? offer : nil
        } else if placement == .separate {
            chosen = usable.first { $0.holding == 0 } ?? usable.first
            if chosen != nil && chosen?.holding != 0 {
                note = "separate placement: every parent already holds an instance of \(type); placed compactly"
            }
        } else {
            chosen = usable.first
        }
        guard let chosen else {
            throw Refusal(
                description:
                    "too few instances of mdev type \(type): \(offers.map(\.description).joined(separator: "; "))")
        }
        placed[chosen.parent, default: [:]][type, default: 0] += 1
        return (chosen.parent, note)
    }
}
