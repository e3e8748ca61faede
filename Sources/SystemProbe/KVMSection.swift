import CVWiFiShim
import Glibc
import Measurement
import Platform
import VMM

/// The KVM device: whether it opens, which module backs it, and the capabilities the VMM uses.
public struct KVMSection: Codable, Sendable, Equatable {
    public var present: Bool
    public var device: String
    /// Why it is not usable, when it is not.
    public var reason: String
    /// KVM_GET_API_VERSION (12 on every kernel since 2.6.22).
    public var apiVersion: Int?
    /// kvm_intel, kvm_amd or kvm_pvm, from /sys/module; nil if none is loaded.
    public var module: String?
    /// KVM_CHECK_EXTENSION answers: > 0 means supported.
    public var capabilities: [String: Bool]
    /// What the backing module means for guests, in plain words.
    public var notes: String
    /// Whether `vwifi-bench path vwifi --trap kvm` can run: a CPL3 long-mode guest really ran to
    /// an MMIO exit here (KVMProbe), and the CPU has the `crc32` instruction the guest program
    /// uses for payload checksums.
    public var trapBackendUsable: Bool
    /// What ran, or why the `kvm` trap backend cannot run (then `--trap auto` uses `thread`).
    public var trapBackendReason: String
    /// Host-observed KVM_RUN cycles of the probe guest's first MMIO exit (includes first-touch
    /// faults; `path --trap kvm` reports steady-state exit costs).
    public var probeExitCycles: UInt64?
    /// How device interrupts reach the KVM guest.
    public var interruptMechanism: String

    static let capabilityChecks: [(name: String, id: Int32)] = [
        ("IRQCHIP", KVM_CAP_IRQCHIP), ("IRQFD", KVM_CAP_IRQFD), ("IOEVENTFD", KVM_CAP_IOEVENTFD),
        ("IMMEDIATE_EXIT", KVM_CAP_IMMEDIATE_EXIT), ("COALESCED_MMIO", KVM_CAP_COALESCED_MMIO),
    ]

    public static func probe(device: String = "/dev/kvm") -> KVMSection {
        let module = ["kvm_intel", "kvm_amd", "kvm_pvm"].first { TextFile.exists("/sys/module/\($0)") }
        let notes = notes(for: module)
        let fd = vw_open_rdwr(device)
        if let errno = SystemCall.errno(of: fd) {
            let reason: String
            switch errno {
            case .noSuchFileOrDirectory: reason = "\(device) does not exist: no KVM module loaded (modprobe kvm_intel or kvm_amd) or nested virtualization is off"
            case .permissionDenied, .notPermitted: reason = "\(device) is not accessible to this user: add the user to group 'kvm' or run as root"
            default: reason = "cannot open \(device): \(errno.named)"
            }
            return KVMSection(present: false, device: device, reason: reason, apiVersion: nil, module: module,
                              capabilities: [:], notes: notes, trapBackendUsable: false,
                              trapBackendReason: "the kvm trap backend cannot run: \(reason)", probeExitCycles: nil,
                              interruptMechanism: "none")
        }
        let api = vw_ioctl_int(fd, VW_KVM_GET_API_VERSION, 0)
        var capabilities: [String: Bool] = [:]
        for check in capabilityChecks {
            capabilities[check.name] = vw_ioctl_int(fd, VW_KVM_CHECK_EXTENSION, UInt(check.id)) > 0
        }
        _ = vw_close(fd)
        var reason = ""
        if let errno = SystemCall.errno(of: api) {
            reason = "\(device) opened but KVM_GET_API_VERSION failed: \(errno.named); is it really a KVM device?"
        } else if api != KVM_API_VERSION {
            reason = "KVM API version \(api), expected \(KVM_API_VERSION)"
        }
        let backend = trapBackend(device: device)
        return KVMSection(present: api >= 0, device: device, reason: reason, apiVersion: api >= 0 ? Int(api) : nil,
                          module: module, capabilities: capabilities, notes: notes,
                          trapBackendUsable: backend.usable, trapBackendReason: backend.reason,
                          probeExitCycles: backend.cycles, interruptMechanism: backend.mechanism)
    }

    /// Runs the VMM's probe guest: the same check `--trap auto` makes.
    static func trapBackend(device: String) -> (usable: Bool, reason: String, cycles: UInt64?, mechanism: String) {
        let availability = KVMProbe.check(device: device)
        guard availability.usable else {
            return (false, "the kvm trap backend cannot run: \(availability.reason)", nil, availability.interruptMechanism)
        }
        guard CRC32C.hardware else {
            return (false, "the kvm trap backend cannot run: the CPU lacks SSE4.2 (the guest program's crc32 instruction)",
                    availability.probeExitCycles, availability.interruptMechanism)
        }
        return (true, "the kvm trap backend can run: \(availability.reason)", availability.probeExitCycles,
                availability.interruptMechanism)
    }

    static func notes(for module: String?) -> String {
        switch module {
        case "kvm_pvm":
            return "kvm_pvm (pagetable-based virtual machine, nested without VMX/SVM): guest code runs natively only at CPL3 in 64-bit long mode (user bit set at every page-table level); CPL0 and real-mode instructions are interpreted; the guest IDT is ignored, so interrupts are delivered from the run loop"
        case "kvm_intel":
            return "kvm_intel (VMX): hardware virtualization; use the in-kernel irqchip and irqfd for interrupts"
        case "kvm_amd":
            return "kvm_amd (SVM): hardware virtualization; use the in-kernel irqchip and irqfd for interrupts"
        default:
            return "no kvm_intel, kvm_amd or kvm_pvm module under /sys/module"
        }
    }
}
