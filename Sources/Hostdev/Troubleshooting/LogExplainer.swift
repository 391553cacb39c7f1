import FoundationEssentials
import LibXML

#if canImport(Glibc)
    import Glibc
#endif

/// `hostdev explain`: QEMU output, libvirt errors or a VM log turned into causes and fixes.
///
/// Each recognised line gets the cause in one sentence and the fix; with a host inventory the
/// explanation names the members of a group and the driver holding each, or a node's owner and
/// mode. Lines it does not recognise are counted, not guessed at.
public struct LogExplainer: Sendable {
    /// The host, for details; optional.
    public let inventory: HostInventory?

    /// The longest line considered (the rest of a longer line is read and passed over).
    static let maxLineLength = 8192
    /// The most explanations a report holds; further recognised lines are only counted, so a log
    /// of any size is explained in bounded memory.
    public static let maxExplanations = 10_000

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
        /// What hostdev can do about it, when it can.
        public var action: FixIt.Action?
        public var details: [String]

    }

    /// Everything explained in one log.
    public struct Report: Sendable, Encodable {
        /// The recognised lines, in order, at most ``LogExplainer/maxExplanations``.
        public var explanations: [Explanation]
        /// Recognised lines beyond ``LogExplainer/maxExplanations``, counted only.
        public var notShown: Int
        /// Newlines read, as `wc -l` counts them.
        public var linesRead: Int
        /// Lines that are not blank and that no known failure matches.
        public var unrecognised: Int

        /// Lines for people; the log's own text is escaped for the terminal. `renderFix` writes a
        /// fix-it (the caller names its commands).
        public func text(renderFix: (FixIt) -> String = { $0.message }) -> String {
            var lines: [String] = []
            for explanation in explanations {
                lines.append("line \(explanation.line): " + TerminalText.escaped(explanation.text))
                lines.append("  cause: " + TerminalText.escaped(explanation.cause))
                lines += explanation.details.map { "  host: " + TerminalText.escaped($0) }
                let fixIt = FixIt(TerminalText.escaped(explanation.fix), action: explanation.action)
                lines.append("  fix: " + renderFix(fixIt))
            }
            let explained = explanations.count + notShown
            if notShown > 0 { lines.append("... \(notShown) more explained lines not shown") }
            lines.append(
                "\(explained) line\(explained == 1 ? "" : "s") explained, \(unrecognised) not recognised (not guessed at), \(linesRead) read"
            )
            return lines.joined(separator: "\n") + "\n"
        }

        /// The report as JSON.
        public func json() -> String {
            return PrettyJSON.encode(self)
        }
    }

    /// Explains a log held in memory (see ``Reader``).
    public func explain(_ bytes: [UInt8]) -> Report {
        var reader = Reader(explainer: self)
        bytes.withUnsafeBytes { reader.read($0) }
        return reader.finish()
    }

    /// Explains a log file, or standard input for `-`, read as a stream: memory stays bounded
    /// whatever its size.
    public func explain(path: String) throws(XMLError) -> Report {
        var reader = Reader(explainer: self)
        try XMLInput.forEachChunk(path: path) { reader.read($0) }
        return reader.finish()
    }

    /// Explains a log fed in chunks of any size, line by line, holding at most one line.
    ///
    /// Invalid UTF-8 is read with replacement characters; a NUL is read as U+FFFD (never dropped,
    /// so `/dev/vfio/1<NUL>2` does not become group 12) and carriage returns are dropped.
    public struct Reader {
        let explainer: LogExplainer
        var report = Report(explanations: [], notShown: 0, linesRead: 0, unrecognised: 0)
        /// The current line, without its carriage returns, up to ``maxLineLength`` bytes.
        var line: [UInt8] = []
        var lineIsEmpty = true

        /// Starts reading.
        public init(explainer: LogExplainer) {
            self.explainer = explainer
            line.reserveCapacity(LogExplainer.maxLineLength + 3)
        }

        /// Reads the next chunk of the log.
        public mutating func read(_ chunk: UnsafeRawBufferPointer) {
            guard let base = chunk.baseAddress else { return }
            var start = 0
            while start < chunk.count {
                guard let found = memchr(base + start, 0x0A, chunk.count - start) else {
                    append(UnsafeRawBufferPointer(rebasing: chunk[start...]))
                    return
                }
                let newline = base.distance(to: UnsafeRawPointer(found))
                if newline > start { append(UnsafeRawBufferPointer(rebasing: chunk[start..<newline])) }
                report.linesRead += 1
                if !lineIsEmpty { endLine(number: report.linesRead) }
                start = newline + 1
            }
        }

        /// Adds a piece of the current line: its first ``maxLineLength`` bytes are kept, carriage
        /// returns dropped, NULs read as U+FFFD.
        private mutating func append(_ piece: UnsafeRawBufferPointer) {
            lineIsEmpty = false
            let room = LogExplainer.maxLineLength - line.count
            guard room > 0 else { return }
            let kept = UnsafeRawBufferPointer(rebasing: piece.prefix(room))
            guard kept.contains(where: { $0 == 0 || $0 == 0x0D }) else {
                line.append(contentsOf: kept)
                return
            }
            for byte in kept where byte != 0x0D {
                if byte == 0 { line += [0xEF, 0xBF, 0xBD] } else { line.append(byte) }
            }
        }

        /// Ends the log (a last line without a newline is explained too) and returns the report.
        public mutating func finish() -> Report {
            if !lineIsEmpty { endLine(number: report.linesRead + 1) }
            return report
        }

        private mutating func endLine(number: Int) {
            defer {
                line.removeAll(keepingCapacity: true)
                lineIsEmpty = true
            }
            if LogExplainer.isBlank(line) { return }
            line.append(0)
            let text = line
            guard let (failure, captured) = KnownFailure.first(matching: text) else {
                report.unrecognised += 1
                return
            }
            guard report.explanations.count < LogExplainer.maxExplanations else {
                report.notShown += 1
                return
            }
            let group = captured.flatMap(Int.init).map(String.init) ?? "N"
            report.explanations.append(
                Explanation(
                    line: number, text: String(decoding: line.dropLast(), as: UTF8.self), failure: failure.id,
                    cause: failure.cause.replacingOccurrences("{n}", group),
                    fix: failure.fix.replacingOccurrences("{n}", group), action: failure.action?(captured),
                    details: explainer.details(failure.detail, captured)))
        }
    }

    /// Whether a line holds only white space: ASCII checked byte by byte, anything else as text.
    static func isBlank(_ line: [UInt8]) -> Bool {
        if line.allSatisfy({ $0 == 0x20 || (0x09...0x0D).contains($0) }) { return true }
        guard line.contains(where: { $0 >= 0x80 }) else { return false }
        return String(decoding: line, as: UTF8.self).allSatisfy(\.isWhitespace)
    }

    func details(_ detail: KnownFailure.Detail, _ captured: String?) -> [String] {
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
