/// A mediated device the domain cannot have: no UUID, an instance of another type, an instance
/// another domain uses, or (for a request) a type no parent has free.
struct MdevInstanceRule: PassthroughRule {
    let id = "mdev-unavailable"
    let severity = Diagnostic.Severity.error
    let summary = "a mediated device without a UUID, of the wrong type, in another domain, or with no parent free"
    let explanation = """
        A <hostdev type='mdev'> names an instance by UUID. An instance belongs to one guest; one of \
        another type than requested gives the guest the wrong vGPU; and a new instance needs a parent \
        with an instance of its type available (NVIDIA GPUs host one type at a time). The host's listing \
        shows what each parent has free (its mdev key); removing unused instances frees them.
        """
    let needsHost = true

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let inventory = domain.inventory else { return [] }
        var findings = missingVMId(domain)
        let hostdevs = MdevHostdev.all(in: domain.root)
        guard !hostdevs.isEmpty else { return findings }
        var placement = MdevPlacement(inventory: inventory)
        let others = inventory.domains.filter { !domain.isSelf($0) && $0.name != domain.name }.map { other in
            (name: other.name, uuids: MdevHostdev.uuids(of: other))
        }
        for hostdev in hostdevs {
            guard let uuid = hostdev.uuid, UUIDText.isValid(uuid), uuid.count == 36 else {
                findings.append(
                    finding("a mediated device without a valid <address uuid=…>", at: hostdev.node, in: domain))
                continue
            }
            let request = Self.request(of: hostdev, in: domain)
            for other in others {
                guard let uuids = other.uuids else {
                    findings.append(
                        finding(
                            "the XML of domain '\(other.name)' cannot be read, so whether it uses \(uuid) is unknown",
                            at: hostdev.node, in: domain))
                    continue
                }
                if uuids.contains(uuid) {
                    findings.append(
                        finding(
                            "mediated device \(uuid) is used by domain '\(other.name)'", at: hostdev.node, in: domain))
                }
            }
            if let instance = inventory.device(named: MdevDetails.nodeDeviceName(uuid: uuid)) {
                if let request, let type = instance.mdev?.type, type != request.type {
                    findings.append(
                        finding(
                            "mediated device \(uuid) is of type \(type), not the requested \(request.type)",
                            at: hostdev.node, in: domain))
                }
                continue
            }
            guard let request else { continue }
            do throws(MdevPlacement.Refusal) {
                _ = try placement.place(type: request.type, placement: request.placement, parent: request.parent)
            } catch {
                findings.append(finding(error.description, at: hostdev.node, in: domain))
            }
        }
        return findings
    }

    /// An mdev request without a UUID, when neither the vmId nor the domain's `<uuid>` can name it.
    private func missingVMId(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let request = domain.request, request.vmId == nil, domain.uuid == nil else { return [] }
        return request.mediatedDevices.filter { $0.uuid == nil }.map { entry in
            Diagnostic(
                severity, rule: id,
                "devices[\(entry.index)]: an mdev request without \"uuid\" needs the vmId (or the domain's <uuid>) to name its instance",
                file: request.source ?? domain.file)
        }
    }

    /// The mdev request an element came from, when the transform added it.
    static func request(of hostdev: MdevHostdev, in domain: CheckedDomain) -> MdevRequest? {
        guard case .request(let index)? = domain.origin(of: hostdev.node) else { return nil }
        return domain.request?.mediatedDevices.first { $0.index == index }
    }
}
