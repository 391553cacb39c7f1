#if canImport(Glibc)
    import Glibc
#endif

/// The name of a `readdir` entry, read in place up to its NUL: copying the whole `d_name` array
/// would read the bytes past the name, which the kernel never wrote.
func directoryEntryName(_ entry: UnsafeMutablePointer<dirent>) -> String {
    let name = UnsafeRawPointer(entry).advanced(by: MemoryLayout<dirent>.offset(of: \.d_name)!)
    let length = strlen(name.assumingMemoryBound(to: CChar.self))
    return String(decoding: UnsafeRawBufferPointer(start: name, count: length), as: UTF8.self)
}
