import Hostdev

/// The one place a fix-it's action becomes a command line.
enum FixItText {
    /// The fix-it's words, and on the next line the command that does it.
    static func render(_ fixIt: FixIt, host: HostOptions? = nil, indent: String = "  ") -> String {
        guard let action = fixIt.action else { return fixIt.message }
        return fixIt.message + "\n\(indent)run: " + command(for: action, host: host)
    }

    /// The command line of an action.
    static func command(for action: FixIt.Action, host: HostOptions?) -> String {
        let hostFlags = host?.commandLineFlags.map { " " + $0 } ?? ""
        switch action {
        case .includeGroup: return "the same transform with --include-group"
        case .transformInPlace(let file): return "hostdev transform --in-place \(file)"
        case .detach(let devices):
            return "hostdev detach " + devices.joined(separator: " ") + (host?.connect.map { " --connect " + $0 } ?? "")
        case .listHostDevices: return "hostdev list" + hostFlags
        case .chooseHostSource: return "pass --connect URI, --sysfs ROOT or --snapshot FILE"
        case .doctorOnThisHost: return "hostdev doctor --sysfs / (on the host itself)"
        case .checkHost: return "hostdev doctor" + hostFlags
        case .listMediatedDeviceTypes: return "hostdev list --capability mdev_types" + hostFlags
        case .createMediatedDevice: return "hostdev mdev create --type TYPE --parent PARENT --uuid UUID"
        }
    }
}

extension HostOptions {
    /// The options as given, to repeat in a suggested command.
    var commandLineFlags: String? {
        if let connect { return "--connect " + connect }
        if let sysfs { return "--sysfs " + sysfs }
        if let snapshot { return "--snapshot " + snapshot }
        return nil
    }
}
