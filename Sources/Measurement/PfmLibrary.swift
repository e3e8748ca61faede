// libpfm4: event names to perf_event_attr encodings.
import CPfm
import Glibc

enum PfmLibrary {
    /// pfm_initialize runs once per process (a `static let` is initialized once, thread-safely).
    static let initializationResult: Int32 = pfm_initialize()

    static var initialized: Bool { initializationResult == PFM_SUCCESS }

    static func message(_ code: Int32) -> String {
        guard let text = pfm_strerror(code) else { return "libpfm4 error \(code)" }
        return String(cString: text)
    }

    struct Encoded {
        var attr: perf_event_attr
        var description: String
        var flags: UInt
    }

    /// Encodes `name` for user and kernel level counting, or returns libpfm4's reason.
    static func encode(_ name: String) -> Result<Encoded, CounterProblem> {
        guard initialized else {
            return .failure(CounterProblem(
                "libpfm4 failed to initialize: \(message(initializationResult)) (pfm_initialize = \(initializationResult))"))
        }
        var attr = perf_event_attr()
        var fullName: UnsafeMutablePointer<CChar>? = nil
        var arg = pfm_perf_encode_arg_t()
        let rc: Int32 = withUnsafeMutablePointer(to: &attr) { attrPointer in
            withUnsafeMutablePointer(to: &fullName) { fullNamePointer in
                arg.attr = attrPointer
                arg.fstr = fullNamePointer
                arg.size = MemoryLayout<pfm_perf_encode_arg_t>.size
                return pfm_get_os_event_encoding(name, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg)
            }
        }
        defer { free(fullName) }
        guard rc == PFM_SUCCESS else {
            let reason: String
            switch rc {
            case PFM_ERR_NOTFOUND:
                reason = "libpfm4 does not know this event: \(message(rc)) (check the name with `showevtinfo` from libpfm4's examples)"
            case PFM_ERR_NOTSUPP:
                reason = "libpfm4 does not support this event on this CPU: \(message(rc))"
            case PFM_ERR_ATTR, PFM_ERR_ATTR_VAL, PFM_ERR_ATTR_SET, PFM_ERR_UMASK:
                reason = "libpfm4 rejects the event's modifiers: \(message(rc))"
            default:
                reason = "libpfm4 cannot encode this event: \(message(rc)) (code \(rc))"
            }
            return .failure(CounterProblem(reason))
        }
        let qualified = fullName.map { String(cString: $0) } ?? name
        let description = "\(qualified) [type=\(attr.type) config=0x\(String(attr.config, radix: 16))]"
        return .success(Encoded(attr: attr, description: description, flags: UInt(bitPattern: Int(arg.flags))))
    }
}

/// A reason in plain words why a counter is not usable.
struct CounterProblem: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
