/// Paths into the repository, for tests that read `Samples/`.
enum Repository {
    /// The repository root, from this file's location.
    static let root: String = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")

    /// The sample host file.
    static let sampleHost = root + "/Samples/hosts/sample-host.xml"

    /// The sample host as a test-driver URI.
    static let sampleHostURI = "test://" + sampleHost
}
