import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Paths into the repository, for tests that read `Samples/`.
enum Repository {
    /// The repository root, from this file's location.
    static let root: String = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")

    /// The sample host file.
    static let sampleHost = root + "/Samples/hosts/sample-host.xml"

    /// The sample host as a test-driver URI.
    static let sampleHostURI = "test://" + sampleHost
}

/// The sanitizer the suite runs under (`HOSTDEV_SANITIZER`, set by `make test-asan` and `make test-tsan`).
enum Sanitizer {
    static var isThread: Bool { getenv("HOSTDEV_SANITIZER").map { String(cString: $0) } == "thread" }
    /// Why file-size-limit tests do not run under ThreadSanitizer.
    static let fileSizeLimitNote: Comment =
        "ThreadSanitizer's runtime itself dies of SIGBUS under a file-size limit (ulimit -f), before hostdev runs"
}
