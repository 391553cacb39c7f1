/// A mediated device whose instance does not exist on the host yet.
struct MdevNotCreatedRule: PassthroughRule {
    let id = "mdev-not-created"
    let severity = Diagnostic.Severity.warning
    let summary = "a mediated device whose instance is not on the host yet"
    let explanation = """
        libvirt starts a guest with a <hostdev type='mdev'> only when the instance exists ("mediated \
        device … not found"). Create it on the host before the guest starts, of its type and with its \
        UUID, on the parent placement chose (hostdev's mdev create does it).
        """
    let needsHost = true

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let inventory = domain.inventory else { return [] }
        var placement = MdevPlacement(inventory: inventory)
        return MdevHostdev.all(in: domain.root).compactMap { hostdev in
            guard let uuid = hostdev.uuid, UUIDText.isValid(uuid), uuid.count == 36,
                inventory.device(named: MdevDetails.nodeDeviceName(uuid: uuid)) == nil
            else { return nil }
            guard let request = MdevInstanceRule.request(of: hostdev, in: domain) else {
                return finding(
                    "mediated device \(uuid) is not on \(inventory.origin); create it before the domain starts",
                    at: hostdev.node, in: domain,
                    fixIt: "create instance \(uuid) of its type on a parent that has one free")
            }
            let parent: String
            do throws(MdevPlacement.Refusal) {
                parent = try placement.place(type: request.type, placement: request.placement, parent: request.parent)
                    .parent
            } catch {
                return nil  // mdev-unavailable refuses it
            }
            return finding(
                "mediated device \(uuid) (\(request.type)) is to be created on \(parent) before the domain starts",
                at: hostdev.node, in: domain,
                fixIt: "create instance \(uuid) of type \(request.type) on \(parent) (the host's mdev create)")
        }
    }
}
