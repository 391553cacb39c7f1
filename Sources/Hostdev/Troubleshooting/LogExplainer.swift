import FoundationEssentials

/// `hostdev explain`: QEMU output, libvirt errors or a VM log turned into causes and fixes.
///
/// Each recognised line gets the cause in one sentence and the fix; with a host inventory the
/// explanation names the members of a group and the driver holding each, or a node's owner and
/// mode. Lines it does not recognise are counted, not guessed at.
public struct LogExplainer: Sendable {
    /// The host, for details; optional.
    public let inventory: HostInventory?

    /// The largest log read, and the longest line considered.
    public static let maxBytes = 64 << 20
    static let maxLineLength = 8192

    /// Creates an explainer.
    public init(inventory: HostInventory? = nil) {
        self.inventory = inventory
    }

    /// One explained line.
    public struct Explanation: Sendable, Encodable, Equatable {
        public var line: Int
        public var text: String
        public var failure: String
        public var cause: String
        public var fix: String
        public var details: [String]
    }

    /// Everything explained in one log.
    public struct Report: Sendable, Encodable {
        public var explanations: [Explanation]
        public var linesRead: Int
        public var unrecognised: Int

        /// Lines for people.
        public func text() -> String {
            var lines: [String] = []
            for explanation in explanations {
                lines.append("line \(explanation.line): \(explanation.text)")
                lines.append("  cause: " + explanation.cause)
                lines += explanation.details.map { "  host: " + $0 }
                lines.append("  fix: " + explanation.fix)
            }
            lines.append(
                "\(explanations.count) line\(explanations.count == 1 ? "" : "s") explained, \(unrecognised) not recognised (not guessed at), \(linesRead) read"
            )
            return lines.joined(separator: "\n") + "\n"
        }

        /// The report as JSON.
        public func json() -> String {
            return PrettyJSON.encode(self)
        }
    }

    /// Explains a log. Invalid UTF-8 is read with replacement characters; NUL bytes end nothing.
    public func explain(_ bytes: [UInt8]) -> Report {
        var explanations: [Explanation] = []
        var lineNumber = 0
        var unrecognised = 0
        // One line at a time as a C string, without its carriage returns and NULs; a Swift string
        // is made only for the few lines that match.
        var line: [UInt8] = []
        line.reserveCapacity(Self.maxLineLength + 1)
        for rawLine in bytes.prefix(Self.maxBytes).split(
            separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        {
            lineNumber += 1
            line.removeAll(keepingCapacity: true)
            line.append(contentsOf: rawLine.prefix(Self.maxLineLength).lazy.filter { $0 != 0x0D && $0 != 0 })
            if Self.isBlank(line) { continue }
            line.append(0)
            guard KnownFailure.anyPattern.matches(line),
                let (failure, groups) = KnownFailure.all.lazy.compactMap({ failure in
                    failure.regex.firstMatch(in: line).map { (failure, $0) }
                }).first
            else {
                unrecognised += 1
                continue
            }
            let captured = groups.count > 1 ? groups[1] : nil
            let number = captured.flatMap(Int.init).map(String.init) ?? "N"
            explanations.append(
                Explanation(
                    line: lineNumber, text: String(decoding: line.dropLast(), as: UTF8.self), failure: failure.id,
                    cause: failure.cause.replacingOccurrences("{n}", number),
                    fix: failure.fix.replacingOccurrences("{n}", number), details: details(failure.detail, captured)))
        }
        return Report(explanations: explanations, linesRead: lineNumber, unrecognised: unrecognised)
    }

    /// Whether a line holds only white space: ASCII checked byte by byte, anything else as text.
    private static func isBlank(_ line: [UInt8]) -> Bool {
        if line.allSatisfy({ $0 == 0x20 || (0x09...0x0D).contains($0) }) { return true }
        guard line.contains(where: { $0 >= 0x80 }) else { return false }
        return String(decoding: line, as: UTF8.self).allSatisfy(\.isWhitespace)
    }

    private func details(_ detail: KnownFailure.Detail, _ captured: String?) -> [String] {
        guard let inventory, let group = captured.flatMap(Int.init) else { return [] }
        switch detail {
        case .none:
            return []
        case .groupMembers:
            let members = inventory.groupMembers(group)
            guard !members.isEmpty else { return ["IOMMU group \(group) is not on \(inventory.origin)"] }
            return members.map { address in
                let device = inventory.device(at: address)
                let driver = device?.driver.map { "driver \($0)" } ?? "no driver"
                let verdict =
                    device?.pci?.isBridge == true
                    ? "bridge, exempt"
                    : device?.driver.map { Doctor.viableDrivers.contains($0) ? "fine" : "breaks the group" } ?? "fine"
                return "group \(group): \(address.nodeDeviceName) \(driver) (\(verdict))"
            }
        case .groupNode:
            guard let nodes = inventory.facts.vfioGroupNodes else {
                return ["/dev/vfio/\(group): unknown from this source"]
            }
            guard let node = nodes[group] else { return ["/dev/vfio/\(group) does not exist on \(inventory.origin)"] }
            let user = inventory.facts.accounts?.users.first { $0.value.uid == node.uid }?.key ?? String(node.uid)
            let owningGroup = inventory.facts.accounts?.groups[node.gid]?.name ?? String(node.gid)
            return ["/dev/vfio/\(group) is \(user):\(owningGroup) mode 0\(String(node.mode & 0o777, radix: 8))"]
        }
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
