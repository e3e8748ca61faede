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
        let ns = vw_probe_unshare_net()
        let namespaceReason: String
        switch -ns {
        case 0: namespaceReason = ""
        case EPERM: namespaceReason = "unshare(CLONE_NEWNET) needs CAP_SYS_ADMIN: run as root (or allow unprivileged user namespaces); EPERM"
        case EINVAL: namespaceReason = "the kernel has no network namespaces (CONFIG_NET_NS off); EINVAL"
        default: namespaceReason = "unshare(CLONE_NEWNET) in a child failed: \(Errno(rawValue: -ns).named)"
        }
        let tun = vw_probe_open_rdwr("/dev/net/tun")
        let tunReason: String
        switch -tun {
        case 0: tunReason = ""
        case ENOENT: tunReason = "/dev/net/tun missing: load the tun module (modprobe tun) or create the node (mknod /dev/net/tun c 10 200)"
        case EACCES, EPERM: tunReason = "/dev/net/tun is not accessible to this user: run as root"
        default: tunReason = "cannot open /dev/net/tun: \(Errno(rawValue: -tun).named)"
        }
        return NetworkSection(canCreateNamespace: ns == 0, namespaceReason: namespaceReason,
                              tunOpenable: tun == 0, tunReason: tunReason)
    }
}
