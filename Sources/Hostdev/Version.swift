/// The release of the Hostdev library and the `hostdev` tool.
///
/// Printed by `hostdev --version`; bumped with every tagged release.
public let hostdevVersion = "0.1.0"
