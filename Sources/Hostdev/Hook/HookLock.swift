#if canImport(Glibc)
    import Glibc
#endif

/// The lock every `prepare` and `release` of the hook holds from its first check to its last bind:
/// an exclusive `flock` on the directory `/run/hostdev`. libvirt runs hooks of different domains at
/// once; without it, two domains sharing an IOMMU group could each check the host before the other
/// bound anything, and both start binding.
final class HookLock {
    /// The locked directory, relative to the root.
    static let directory = "run/hostdev"
    /// How long a hook waits for another before it refuses: libvirt waits for the hook.
    static let timeoutSeconds = 60

    private let descriptor: Int32

    /// Waits for the lock (at most ``timeoutSeconds``).
    init(root: String) throws(HookFailure) {
        let opened = try HookRecord.openDirectory(root: root, Self.directory)
        let path = SysfsTree(root: root).absolute(Self.directory)
        switch TimedLock.take(opened, waitingAtMost: Self.timeoutSeconds) {
        case .taken:
            descriptor = opened
        case .timedOut:
            close(opened)
            throw HookFailure("another hostdev hook held \(path) for \(Self.timeoutSeconds) s; not waiting longer")
        case .failed(let code):
            close(opened)
            throw HookFailure("cannot lock \(path): \(String(cString: strerror(code)))")
        }
    }

    deinit { close(descriptor) }
}
