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
