#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads whole inputs with a size bound, so a huge file is refused before it is parsed.
enum InputReading {
    /// Reads a file; `-` reads standard input.
    static func read(path: String, limits: ParseLimits) throws(XMLError) -> [UInt8] {
        if path == "-" { return try read(descriptor: 0, name: "-", limits: limits) }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw XMLError(.unreadable, "cannot open: \(String(cString: strerror(errno)))", file: path)
        }
        defer { close(descriptor) }
        return try read(descriptor: descriptor, name: path, limits: limits)
    }

    /// Reads everything from an open descriptor, refusing more than `limits.maxBytes`.
    static func read(descriptor: Int32, name: String, limits: ParseLimits) throws(XMLError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw XMLError(.unreadable, "cannot read: \(String(cString: strerror(errno)))", file: name)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > limits.maxBytes {
                throw XMLError(
                    .tooLarge, "input is larger than the \(limits.maxBytes >> 20) MiB limit", file: name)
            }
        }
        return bytes
    }
}
