// A named network namespace of the run: the station's stack or the peer behind the access
// point, where the traffic tools run. Named where iproute2 keeps its namespaces
// (/run/netns/<name>), so `ip netns exec vwb-... <cmd>` enters it while a run is on, and with a
// prefix only the harness uses (`vwb-<pid>-<n>-<role>`), so the next start can find and remove
// what a killed run left behind (removeStale, in NetworkNamespace+Stale.swift).
//
// The harness makes and deletes it itself, with the same steps as `ip netns add`/`del`, rather
// than running `ip`: no dependence on iproute2 being installed or on its output, one errno per
// failed step through the SystemCall funnel, and the thread that made it can set it up (lo up,
// no IPv6 router solicitations) before anyone else enters.
import CVWiFiShim
import Measurement
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public final class NetworkNamespace: Sendable {
    /// Where iproute2 (and so `ip netns exec`) looks for named namespaces.
    public static let directory = "/run/netns"
    /// The harness's own name prefix; nothing else should use it.
    public static let prefix = "vwb-"

    public let name: String
    /// /run/netns/<name>: a bind mount of the namespace's nsfs inode.
    public let path: String
    /// The namespace's nsfs inode (device and inode number): what /proc/<pid>/ns/net of every
    /// process inside it also stats to.
    public let identity: Identity
    private let deleted = Mutex(false)

    public struct Identity: Sendable, Hashable, CustomStringConvertible {
        public let device: UInt64
        public let inode: UInt64
        public var description: String { "net:[\(inode)]" }

        /// The namespace a namespace file (/run/netns/<name>, /proc/<pid>/ns/net) names; nil when
        /// it cannot be stat'ed (no such process, a zombie, no such file).
        public static func of(path: String) -> Identity? {
            var device: UInt64 = 0, inode: UInt64 = 0
            guard vw_netns_identity(path, &device, &inode) == 0 else { return nil }
            return Identity(device: device, inode: inode)
        }
    }

    private static let sequence = Atomic<Int>(0)

    /// A fresh name for this process: `vwb-<pid>-<n>-<role>` (n counts up within the process).
    public static func uniqueName(role: String) -> String {
        let n = sequence.add(1, ordering: .relaxed).newValue
        return "\(prefix)\(getpid())-\(n)-\(role)"
    }

    private init(name: String, path: String, identity: Identity) {
        self.name = name
        self.path = path
        self.identity = identity
    }

    /// Creates the namespace `name` (`uniqueName(role:)` gives one), with `lo` up and IPv6
    /// router solicitations off for interfaces made in it later. Needs root.
    public static func create(name: String) throws -> NetworkNamespace {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != "..", name.utf8.count < 200 else {
            throw PipelineError.setup("network namespace name \"\(name)\": empty, too long or has a slash")
        }
        let path = "\(directory)/\(name)"
        try onShortThread(name: "vw-netns-add") { () throws in
            try SystemCall.check("create network namespace \(path) (unshare, bind mount)",
                                 vw_netns_create(path), hint: "needs root and a writable /run", as: PipelineError.system)
            do {
                try setUpInside()
            } catch {
                _ = vw_netns_delete(path)
                throw error
            }
        }
        guard let identity = Identity.of(path: path) else {
            _ = vw_netns_delete(path)
            throw PipelineError.setup("network namespace \(path) vanished right after it was made")
        }
        return NetworkNamespace(name: name, path: path, identity: identity)
    }

    /// On the creating thread, already inside: loopback up (tools bind to it), and no IPv6 on
    /// new interfaces (a new TUN would otherwise queue router solicitations beside the tools').
    private static func setUpInside() throws(PipelineError) {
        let v6 = vw_disable_ipv6_default()
        if SystemCall.errno(of: v6) != .noSuchFileOrDirectory {
            try SystemCall.check("disable_ipv6 in the new namespace", v6, as: PipelineError.system)
        }
        let ctl = try SystemCall.check("socket(AF_INET, SOCK_DGRAM)", vw_udp_socket(), as: PipelineError.system)
        defer { _ = vw_close(ctl) }
        try SystemCall.check("SIOCSIFFLAGS lo up", vw_if_up(ctl, "lo"), as: PipelineError.system)
    }

    /// Runs `body` on a short-lived thread that has entered this namespace (setns moves only that
    /// thread), and returns its result. What it makes there - a TUN interface, addresses, sockets -
    /// stays in the namespace after the thread ends; fds made there stay valid on every thread.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let path = self.path
        return try Self.onShortThread(name: "vw-netns-run") { () throws -> T in
            let fd = try SystemCall.check("open \(path)", vw_netns_open(path), hint: "was the namespace deleted?")
            defer { _ = vw_close(fd) }
            try SystemCall.check("setns \(path)", vw_netns_enter(fd))
            return try body()
        }
    }

    /// Deletes the namespace's name (unmount and unlink). The namespace itself is freed when no
    /// process, fd or mount holds it any more: TrafficTopology ends its processes first. Later
    /// calls do nothing.
    public func delete() throws(PipelineError) {
        let first = deleted.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        let r = vw_netns_delete(path)
        if SystemCall.errno(of: r) == .noSuchFileOrDirectory { return }
        try SystemCall.check("delete network namespace \(path) (umount, unlink)", r, as: PipelineError.system)
    }

    /// Pids of every process whose network namespace is this one (/proc/<pid>/ns/net), as
    /// `ip netns pids` finds them.
    public func processIDs() -> [Int32] { Self.processIDs(in: identity) }

    static func processIDs(in identity: Identity) -> [Int32] {
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        var pids: [Int32] = []
        while let entry = readdir(dir) {
            // SAFETY: readdir returned a valid entry; d_name is a NUL-terminated array inside it.
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = Int32(name), Identity.of(path: "/proc/\(pid)/ns/net") == identity else { continue }
            pids.append(pid)
        }
        return pids
    }

    /// Runs `body` on a new OS thread and waits for it: a thread that unshares or setns's stays
    /// in that namespace, so it must be one nobody else uses.
    static func onShortThread<T: Sendable>(name: String, _ body: @escaping @Sendable () throws -> T) throws -> T {
        let outcome = ShortThreadOutcome<T>()
        let thread: OSThread
        do {
            thread = try OSThread.start(name: name) { _ in outcome.result = Result { try body() } }
        } catch {
            throw PipelineError.system(error)
        }
        thread.join()
        return try outcome.result.get()
    }
}

private final class ShortThreadOutcome<T: Sendable>: @unchecked Sendable {
    // SAFETY: written by the short thread, read after joining it.
    var result: Result<T, any Error> = .failure(PipelineError.setup("namespace thread never ran"))
}
