import Synchronization

/// What a command keeps until the process exits: the compiled grammar of the schema check and the
/// host's inventory go back to the system with the process, instead of being freed piece by piece
/// on the way out (a compiled grammar alone is a quarter of a millisecond of libxml2 frees). Only
/// the command line does this, once per process; the library frees as usual.
enum ProcessLifetime {
    private static let kept = Mutex<[any Sendable]>([])

    static func keep(_ value: any Sendable) {
        kept.withLock { $0.append(value) }
    }
}
