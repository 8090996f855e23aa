#if canImport(Glibc)
import Glibc
#endif

/// Keeps a test process's open descriptors out of the children it spawns.
///
/// NIO opens its sockets without `O_CLOEXEC`, so a child spawned by a test inherits every
/// connection that the test process's servers (the in-process gateways and upstreams) hold at
/// that moment. A connection the server closes then stays open in the child, and the client
/// never sees the close: a test that waits for it fails when some other test happens to start
/// a `redis-server` or a gateway process at the wrong moment.
public enum InheritedDescriptors {
    /// Errors adding the close to the spawn's file actions.
    public struct Unsupported: Error, CustomStringConvertible {
        public let description: String
    }

    /// Adds "close every descriptor above standard error" to `actions` (after the actions
    /// already in it, so descriptors they set up as 0 to 2 stay). glibc 2.34 has it as
    /// `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module does not import
    /// (its header declares it only for `_GNU_SOURCE`), so it is looked up by name.
    public static func closeAllButStandardStreams(in actions: inout posix_spawn_file_actions_t) throws(Unsupported) {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            throw Unsupported(description: "posix_spawn_file_actions_addclosefrom_np is missing: the tests need glibc 2.34 or later")
        }
        let addCloseFrom = unsafeBitCast(symbol, to: AddCloseFrom.self)
        let status = addCloseFrom(&actions, 3)
        guard status == 0 else {
            throw Unsupported(description: "posix_spawn_file_actions_addclosefrom_np failed: \(String(cString: strerror(status)))")
        }
    }
}
