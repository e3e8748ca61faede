import CVWiFiShim
import Glibc
import Measurement

/// Whether real network plumbing (namespaces, TAP devices) is available for native-path runs.
public struct NetworkSection: Codable, Sendable, Equatable {
    /// A forked child could unshare(CLONE_NEWNET).
    public var canCreateNamespace: Bool
    public var namespaceReason: String
    /// /dev/net/tun opens read/write.
    public var tunOpenable: Bool
    public var tunReason: String

    public static func probe() -> NetworkSection {
        let ns = SystemCall.errno(of: vw_probe_unshare_net())
        let namespaceReason: String
        switch ns {
        case nil: namespaceReason = ""
        case Errno.notPermitted: namespaceReason = "unshare(CLONE_NEWNET) needs CAP_SYS_ADMIN: run as root (or allow unprivileged user namespaces); EPERM"
        case Errno.invalidArgument: namespaceReason = "the kernel has no network namespaces (CONFIG_NET_NS off); EINVAL"
        case let errno?: namespaceReason = "unshare(CLONE_NEWNET) in a child failed: \(errno.named)"
        }
        let tun = SystemCall.errno(of: vw_probe_open_rdwr("/dev/net/tun"))
        let tunReason: String
        switch tun {
        case nil: tunReason = ""
        case Errno.noSuchFileOrDirectory: tunReason = "/dev/net/tun missing: load the tun module (modprobe tun) or create the node (mknod /dev/net/tun c 10 200)"
        case Errno.permissionDenied, Errno.notPermitted: tunReason = "/dev/net/tun is not accessible to this user: run as root"
        case let errno?: tunReason = "cannot open /dev/net/tun: \(errno.named)"
        }
        return NetworkSection(canCreateNamespace: ns == nil, namespaceReason: namespaceReason,
                              tunOpenable: tun == nil, tunReason: tunReason)
    }
}
