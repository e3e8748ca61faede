import CVWiFiShim
import Measurement
#if canImport(Glibc)
import Glibc
#endif

/// Whether the kvm trap backend can run here, and why not.
public struct KVMAvailability: Sendable, Equatable {
    /// True only if a CPL3 long-mode guest really ran to the expected MMIO exit.
    public let usable: Bool
    /// Why not (or what ran), in a sentence.
    public let reason: String
    public let device: String
    /// kvm_intel, kvm_amd or kvm_pvm (from /sys/module), if loaded.
    public let module: String?
    public let apiVersion: Int?
    /// KVM_CHECK_EXTENSION answers: IRQCHIP, IRQFD, IOEVENTFD, IMMEDIATE_EXIT, COALESCED_MMIO,
    /// USER_MEMORY, SYNC_REGS, HALT_POLL.
    public let capabilities: [String: Int]
    /// The mechanism the backend uses to deliver device interrupts.
    public let interruptMechanism: String
    /// Whether the host offers a full in-kernel irqchip a guest could take IDT interrupts from
    /// (kvm_intel/kvm_amd with KVM_CAP_IRQCHIP); not on kvm_pvm, whose guests ignore the IDT.
    public let irqchipUsable: Bool
    /// Host-observed KVM_RUN cycles of the probe guest's MMIO exit (first run: includes faults).
    public let probeExitCycles: UInt64?
}

public enum KVMProbe {
    static let capabilityNames: [(String, Int32)] = [
        ("IRQCHIP", KVM_CAP_IRQCHIP), ("IRQFD", KVM_CAP_IRQFD), ("IOEVENTFD", KVM_CAP_IOEVENTFD),
        ("IMMEDIATE_EXIT", KVM_CAP_IMMEDIATE_EXIT), ("COALESCED_MMIO", KVM_CAP_COALESCED_MMIO),
        ("USER_MEMORY", KVM_CAP_USER_MEMORY), ("SYNC_REGS", KVM_CAP_SYNC_REGS), ("HALT_POLL", KVM_CAP_HALT_POLL),
    ]

    /// The loaded KVM vendor module, from /sys/module.
    public static func loadedModule() -> String? {
        ["kvm_pvm", "kvm_intel", "kvm_amd"].first { access("/sys/module/\($0)", F_OK) == 0 }
    }

    /// Opens `device`, reads its API version and capabilities, and runs a tiny CPL3 long-mode
    /// guest to one MMIO exit. Never throws: an unusable backend comes back with its reason.
    public static func check(device: String = "/dev/kvm") -> KVMAvailability {
        let module = loadedModule()
        var mechanism = InterruptMechanism.pendingFlag.rawValue
        func unusable(_ reason: String, api: Int? = nil, caps: [String: Int] = [:]) -> KVMAvailability {
            KVMAvailability(usable: false, reason: reason, device: device, module: module, apiVersion: api,
                            capabilities: caps, interruptMechanism: mechanism, irqchipUsable: false, probeExitCycles: nil)
        }
        let fd: Int32
        do throws(SystemCallError) {
            fd = try SystemCall.check("open \(device)", vw_open_rdwr(device),
                                      hint: module == nil ? "no KVM module is loaded" : "check the device node and its permissions")
        } catch {
            return unusable("\(error)")
        }
        let api = Int(vw_ioctl_int(fd, VW_KVM_GET_API_VERSION, 0))
        var caps: [String: Int] = [:]
        for (name, cap) in capabilityNames {
            caps[name] = max(0, Int(vw_ioctl_int(fd, VW_KVM_CHECK_EXTENSION, UInt(cap))))
        }
        vw_close(fd)
        guard api == 12 else { return unusable("\(device): KVM API version \(api), expected 12", api: api, caps: caps) }
        guard (caps["USER_MEMORY"] ?? 0) > 0, (caps["IMMEDIATE_EXIT"] ?? 0) > 0 else {
            return unusable("\(device) lacks KVM_CAP_USER_MEMORY or KVM_CAP_IMMEDIATE_EXIT", api: api, caps: caps)
        }
        let irqchip = InterruptMechanism.select(module: module, capabilities: caps) == .irqchip
        mechanism = InterruptMechanism.select(module: module, capabilities: caps).rawValue
        do {
            let cycles = try runProbeGuest(device: device)
            let what = module.map { " on \($0)" } ?? ""
            return KVMAvailability(usable: true, reason: "a CPL3 long-mode guest ran to an MMIO exit\(what)", device: device,
                                   module: module, apiVersion: api, capabilities: caps, interruptMechanism: mechanism,
                                   irqchipUsable: irqchip, probeExitCycles: cycles)
        } catch {
            return unusable("the probe guest did not reach its MMIO exit: \(error)", api: api, caps: caps)
        }
    }

    /// Runs GuestDriverImage's probe entry: one MMIO store of the magic, then the done port.
    static func runProbeGuest(device: String) throws(VMMError) -> UInt64 {
        let guest = try ScratchGuest(device: device)
        let layout = guest.layout
        let doorbell = ScratchGuest.doorbell, portBase = ScratchGuest.portBase
        let vcpu = try guest.vcpu(entryOffset: GuestDriverImage.probeEntryOffset)
        let before = vw_rdtsc()
        let first = vcpu.run()
        let cycles = vw_rdtsc() &- before
        guard first == .mmio(address: doorbell, length: 4, isWrite: true) else {
            throw VMMError("expected a 4-byte MMIO write to 0x\(String(doorbell, radix: 16)), got \(first)")
        }
        // SAFETY: bounds: the exit is a 4-byte MMIO write (checked above), so mmioData holds 4 bytes.
        let value = vcpu.mmioData.load(as: UInt32.self)
        guard value == GuestMailbox.probeMagic else {
            throw VMMError("the MMIO write carried 0x\(String(value, radix: 16)), expected 0x\(String(GuestMailbox.probeMagic, radix: 16))")
        }
        let second = vcpu.run()
        guard case .io(portBase + GuestMailbox.donePort, true, _, _) = second else {
            let rip = (try? vcpu.registers().rip).map { "0x" + String($0, radix: 16) } ?? "unknown"
            throw VMMError("expected an OUT to the done port, got \(second) at RIP \(rip) (probe entry 0x\(String(layout.code + GuestDriverImage.probeEntryOffset, radix: 16)))")
        }
        return cycles
    }
}

extension KVMAvailability: CustomStringConvertible {
    /// One line for `doctor`: usable or not, why, module, API version, capabilities, mechanism.
    public var description: String {
        let caps = capabilities.keys.sorted().map { "\($0)=\(capabilities[$0]!)" }.joined(separator: " ")
        let status = usable ? "usable" : "unusable"
        return "kvm backend \(status): \(reason); device \(device), module \(module ?? "none"), API \(apiVersion.map(String.init) ?? "-"); "
            + "interrupts: \(interruptMechanism)\(irqchipUsable ? " (in-kernel irqchip + irqfd: injection through the guest IDT)" : ""); caps: \(caps.isEmpty ? "-" : caps)"
    }
}
