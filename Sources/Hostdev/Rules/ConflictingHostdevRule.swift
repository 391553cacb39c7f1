import LibXML

/// A requested device the domain already has, with other settings than the request's.
struct ConflictingHostdevRule: PassthroughRule {
    let id = "conflicting-hostdev"
    let severity = Diagnostic.Severity.error
    let summary = "a requested device is already in the domain with other settings"
    let explanation = """
        The transform adds nothing for a device the domain already holds, so the request would be \
        silently ignored if its boot order, guest address or alias differ from the <hostdev> already \
        there, or if that one is managed='yes'. Edit or remove the existing <hostdev>, or change the \
        request to match it.
        """
    let needsHost = true
    let commands: Set<RuleCommand> = [.transform, .define, .hook]

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let request = domain.request else { return [] }
        return request.hostDevices.compactMap { entry in
            guard !entry.isPlaceholder, let source = domain.device(for: entry)?.hostdevSource,
                let present = domain.hostdevs.first(where: {
                    $0.source == source && domain.origin(of: $0.node) == nil
                }),
                let difference = Self.difference(between: entry, and: present)
            else { return nil }
            return finding(
                "devices[\(entry.index)]: \(entry.name) is already in the domain with different settings (\(difference))",
                at: present.node, in: domain)
        }
    }

    /// What differs between a request and the `<hostdev>` already there, or `nil`.
    static func difference(between request: HostDeviceRequest, and present: HostdevElement) -> String? {
        var differences: [String] = []
        let presentOrder = present.node.firstElement(named: "boot")?.attribute("order").flatMap { Int($0) }
        if let order = request.bootOrder, order != presentOrder {
            differences.append("boot order \(presentOrder.map(String.init) ?? "none"), requested \(order)")
        }
        if let guest = request.guestAddress {
            let current = present.guestAddress
            if current != guest {
                differences.append("guest address \(current?.description ?? "none"), requested \(guest)")
            }
        }
        if let alias = request.alias {
            let current = present.node.firstElement(named: "alias")?.attribute("name")
            if current != alias { differences.append("alias \(current ?? "none"), requested \(alias)") }
        }
        if present.managed == "yes" { differences.append("managed='yes', the transform writes managed='no'") }
        return differences.isEmpty ? nil : differences.joined(separator: "; ")
    }
}
