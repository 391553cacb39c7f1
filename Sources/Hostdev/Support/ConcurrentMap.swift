import Dispatch

/// Work spread over the threads the machine runs at once, its results kept in order, so that what
/// is made of them is what doing one item after another makes (a sysfs read, a lint of many files).
enum ConcurrentMap {
    /// `body` of every index below `count`, run on as many threads as the machine runs at once;
    /// the results in the order of the indices.
    static func map<Element: Sendable>(count: Int, _ body: @Sendable (Int) -> Element) -> [Element] {
        guard count > 0 else { return [] }
        let slots = Slots<Element>(.allocate(capacity: count))
        defer { slots.buffer.deallocate() }
        DispatchQueue.concurrentPerform(iterations: count) { index in
            (slots.buffer.baseAddress! + index).initialize(to: body(index))
        }
        // Every slot was initialized once; the array takes them over.
        return Array(unsafeUninitializedCapacity: count) { array, initialized in
            _ = array.moveInitialize(fromContentsOf: slots.buffer)
            initialized = count
        }
    }
}

/// One result per index, each written only by the iteration of that index and read once every
/// iteration is done.
private struct Slots<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>

    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
