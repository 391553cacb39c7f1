/// Bounds on what a hardened parse accepts.
///
/// Nesting is bounded by libxml2 itself (256 levels without `XML_PARSE_HUGE`, which is never set).
public struct ParseLimits: Sendable, Equatable {
    /// The largest input accepted, in bytes.
    public var maxBytes: Int

    /// Creates limits.
    public init(maxBytes: Int = 32 << 20) {
        self.maxBytes = maxBytes
    }

    /// 32 MiB: far above any real domain or host snapshot, far below what hurts.
    public static let standard = ParseLimits()
}
