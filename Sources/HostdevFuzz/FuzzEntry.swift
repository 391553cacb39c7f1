#if canImport(Glibc)
    import Glibc
#endif

#if FUZZING
    internal import CFuzzSupport

    /// The target, chosen once from `HOSTDEV_FUZZ_TARGET`.
    let selectedTarget: FuzzTarget = {
        guard let name = getenv("HOSTDEV_FUZZ_TARGET").map({ String(cString: $0) }),
            let target = FuzzTarget(rawValue: name)
        else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            print("set HOSTDEV_FUZZ_TARGET to one of: \(names)")
            exit(2)
        }
        return target
    }()

    /// The executable's entry point (SwiftPM names it after the target): libFuzzer's driver.
    @_cdecl("HostdevFuzz_main")
    func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        var count = argc
        var arguments = argv
        _ = selectedTarget
        return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
    }

    /// libFuzzer's per-input callback.
    @_cdecl("LLVMFuzzerTestOneInput")
    func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        selectedTarget.run(bytes)
        return 0
    }
#else
    /// Without the fuzzer: replays saved inputs, `hostdev-fuzz TARGET FILE...`, for regression tests.
    @main
    struct FuzzReplay {
        static func main() {
            let arguments = CommandLine.arguments.dropFirst()
            guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
                let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
                print("usage: hostdev-fuzz \(names) FILE...")
                exit(2)
            }
            for path in arguments.dropFirst() {
                guard let file = fopen(path, "rb") else {
                    print("cannot open \(path)")
                    exit(2)
                }
                var bytes: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = fread(&buffer, 1, buffer.count, file)
                    if count == 0 { break }
                    bytes.append(contentsOf: buffer[0..<count])
                }
                fclose(file)
                target.run(bytes)
            }
            print("replayed \(arguments.count - 1) input(s) on \(target.rawValue)")
        }
    }
#endif
