// Which trap backend a run uses: `kvm` (a real vCPU whose doorbell writes are real VM exits) where
// it works and the run is one the KVM guest program implements, else `thread`, with the reason.
import Platform
import VMM

struct TrapBackendDecision: Equatable {
    enum Backend: String { case kvm, thread, none }
    let backend: Backend
    /// What was chosen and why (PathResult.trapReason).
    let reason: String

    /// Decides for `config`. `--trap kvm` on a run the kvm backend cannot serve is a ConfigError
    /// naming `trap`; `--trap auto` falls back to `thread` and says why.
    static func decide(_ config: PathConfig) throws(ConfigError) -> TrapBackendDecision {
        if config.path == .native { return TrapBackendDecision(backend: .none, reason: "") }
        if config.trap == .thread {
            return TrapBackendDecision(backend: .thread, reason: "thread trap chosen with --trap thread")
        }
        var problem = unsupported(config)
        var probeReason = ""
        if problem == nil {
            let (machine, reason) = machineCheck(device: config.kvmDevice)
            problem = machine
            probeReason = reason
        }
        if let problem {
            if config.traffic.isTool {
                // The thread trap's guest has no network stack: there is nothing to fall back to.
                throw ConfigError(field: "trap", problem: "a real program's traffic in a VM needs the kvm backend, and kvm cannot run here: \(problem)",
                                  fix: "fix the KVM device (see vwifi-bench doctor), or use --traffic builtin")
            }
            if config.trap == .kvm {
                throw ConfigError(field: "trap", problem: "kvm cannot run this: \(problem)",
                                  fix: "use --trap thread or --trap auto (which falls back to thread)"
                                      + (problem.contains("guest program") ? "" : ", or fix the KVM device (see vwifi-bench doctor)"))
            }
            return TrapBackendDecision(backend: .thread, reason: "kvm not used: \(problem); fell back to the thread trap")
        }
        return TrapBackendDecision(backend: .kvm, reason: "kvm: \(probeReason)")
    }

    /// Runs the guest program (Guest/, C behind an assembly entry stub) does not implement.
    static func unsupported(_ config: PathConfig) -> String? {
        if config.path == .passthrough { return unsupportedPassthrough(config) }
        if config.path != .vwifi {
            return "the KVM guest program implements the vwifi and passthrough drivers only (this run: \(config.path.rawValue))"
        }
        return nil
    }

    /// Passthrough runs the guest program implements: all of them (its doorbell is the device's
    /// register page, mapped into the guest; the device writes its completions; idle's timer is
    /// the VM's own, trapping as on vwifi).
    static func unsupportedPassthrough(_ config: PathConfig) -> String? { nil }

    /// Why this machine cannot run the kvm backend (nil when it can), and what the probe ran.
    static func machineCheck(device: String) -> (problem: String?, reason: String) {
        guard CRC32C.hardware else {
            return ("the CPU lacks SSE4.2, whose crc32 instruction the guest program uses for payload checksums", "")
        }
        let availability = KVMProbe.check(device: device)
        return (availability.usable ? nil : availability.reason, availability.reason)
    }
}
