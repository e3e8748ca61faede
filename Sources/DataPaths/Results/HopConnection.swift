// What a component declares about the connections into it, so that a hop found in the stamps
// can be named. The hops themselves are measured: a hop is two consecutive stamps of a packet
// taken in different contexts (see HopDerivation). Only what connects the two is declared, by
// the component on the receiving side (it knows what it waits on).

/// How one stage is reached from the previous stamped stage of the same packet.
struct HopConnection: Sendable {
    /// The stages this connection leads into (the receiving component's first stamps).
    let into: [Stage]
    /// The components it comes from; empty: from anywhere.
    let from: [Component]
    /// What connects the two contexts, as result.json and README's hop tables name it.
    let mechanism: String
    /// True for a crossing that stays on one OS thread: kernel code reached by a system call
    /// runs on the caller's thread (the stamps on both sides are then the same account's, and
    /// the crossing is a hop only because it is declared), and a VM exit leaves guest mode for
    /// the hypervisor on the vCPU's own thread. False: the receiving side is another thread.
    let sameThread: Bool

    init(into: [Stage], from: [Component] = [], _ mechanism: String, sameThread: Bool = false) {
        self.into = into
        self.from = from
        self.mechanism = mechanism
        self.sameThread = sameThread
    }

    func leads(into stage: Stage, from component: Component, sameThread same: Bool) -> Bool {
        sameThread == same && into.contains(stage) && (from.isEmpty || from.contains(component))
    }
}

/// A stamp one thread records for a moment another context took: a KVM guest's doorbell stamp,
/// read from the descriptor the guest wrote, is logged by the device model's thread but was
/// taken by the guest. The hop derivation counts it in `takenBy`'s context.
struct StampRelay: Sendable {
    let stage: Stage
    let recordedBy: ThreadAccount
    let takenBy: ThreadAccount
}

/// Mechanism names shared by several components (README's hop tables use these spellings).
enum HopMechanism {
    static let deviceDoorbell = "futex (device doorbell)"
    /// A guest store into the device's register page, which the device samples: no exit, no wake.
    static let sampledDoorbell = "register sampled by the device (no exit)"
    static let physicalInterrupt = "eventfd (physical interrupt)"
    static let interruptLine = "futex (virtual interrupt line)"
    static let deviceModelKick = "eventfd (device model kick)"
    static let hostSocket = "socket (AF_UNIX seqpacket)"
    /// A pair of consecutive stamps in different contexts that no component declared.
    static let undeclared = "undeclared"
}
