import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Golden files under `Tests/Golden/`: compared byte for byte, recorded anew when the
/// environment has `HOSTDEV_RECORD=1` (review the diff before committing).
enum Golden {
    static let directory = Repository.root + "/Tests/Golden"

    /// Checks `actual` against `Tests/Golden/NAME`, or records it.
    static func check(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let path = directory + "/" + name
        if let value = getenv("HOSTDEV_RECORD"), String(cString: value) == "1" {
            let folder = String(path[..<path.lastIndex(of: "/")!])
            mkdirs(folder)
            do {
                try actual.write(toFile: path)
            } catch {
                Issue.record("cannot record \(path)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = readFile(path) else {
            Issue.record(
                "no golden file \(name); run with HOSTDEV_RECORD=1 to record it", sourceLocation: sourceLocation)
            return
        }
        #expect(actual == expected, "golden \(name) differs", sourceLocation: sourceLocation)
    }

    private static func mkdirs(_ path: String) {
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            mkdir(current, 0o755)
        }
    }
}

/// Reads a whole file as UTF-8, or `nil`.
func readFile(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count == 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}
