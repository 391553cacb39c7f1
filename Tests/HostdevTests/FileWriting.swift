#if canImport(Glibc)
    import Glibc
#endif

extension String {
    /// Writes the string to a file, for test fixtures.
    func write(toFile path: String) throws {
        guard let file = fopen(path, "w") else { throw FixtureError.cannotWrite(path) }
        defer { fclose(file) }
        fputs(self, file)
    }
}

enum FixtureError: Error {
    case cannotWrite(String)
}

/// Runs `body` with a fresh, private directory under /tmp named after `label`, and removes the
/// directory and everything in it afterwards.
func withScratchDirectory<T>(_ label: String, _ body: (String) throws -> T) rethrows -> T {
    let directory = "/tmp/hostdev-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    mkdir(directory, 0o700)
    defer { _ = system("rm -rf '\(directory)'") }
    return try body(directory)
}
