// Ctrl-C and SIGTERM: the first asks the run to stop cleanly (threads stop, finished results
// stay, nothing half-written); a second one exits at once.
import Dispatch
import Foundation

final class InterruptHandling: @unchecked Sendable {
    // Sound: `sources` is written on install (before any signal can be delivered to them) and
    // on restore, both on the main thread.
    private var sources: [DispatchSourceSignal] = []

    static func install(_ onInterrupt: @escaping @Sendable () -> Void) -> InterruptHandling {
        let h = InterruptHandling()
        let count = Counter()
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if count.bump() > 1 {
                    FileHandle.standardError.write(Data("second interrupt: exiting now\n".utf8))
                    exit(130)
                }
                FileHandle.standardError.write(Data("\ninterrupt: stopping after the current run...\n".utf8))
                onInterrupt()
            }
            source.resume()
            h.sources.append(source)
        }
        return h
    }

    func restore() {
        for s in sources { s.cancel() }
        sources.removeAll()
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func bump() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
    }
}
