/// Bounds on what a hardened parse accepts, each checked before the work it bounds is done.
///
/// Nesting is bounded by libxml2 itself (256 levels without `XML_PARSE_HUGE`, which is never set).
/// The element and attribute counts are checked by one linear pass over the markup before libxml2
/// parses anything, so an input over a bound is refused in time proportional to its size. The
/// defaults are about a hundred times what libvirt's own test data needs (its largest domain file
/// holds 564 elements, its busiest element 7 attributes); ``standard`` leaves room for host
/// snapshots of tens of thousands of devices (6 000 devices take 150 000 elements).
public struct ParseLimits: Sendable, Equatable {
    /// The largest input accepted, in bytes.
    public var maxBytes: Int
    /// The most elements a document may hold (comments, processing instructions and CDATA sections
    /// counted with them).
    public var maxElements: Int
    /// The most attributes one element may carry.
    public var maxAttributes: Int

    /// Creates limits.
    public init(maxBytes: Int = 32 << 20, maxElements: Int = 1_000_000, maxAttributes: Int = 1_000) {
        self.maxBytes = maxBytes
        self.maxElements = maxElements
        self.maxAttributes = maxAttributes
    }

    /// 32 MiB, a million elements, a thousand attributes on one element: far above any real domain
    /// or host snapshot, far below what hurts.
    public static let standard = ParseLimits()

    /// For domain XML: 32 MiB and a thousand attributes, but two hundred thousand elements (libvirt's
    /// largest test domain holds 564), so the schema check and the rules stay well under seconds.
    public static let domain = ParseLimits(maxElements: 200_000)
}
