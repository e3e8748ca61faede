// Ctrl-C (SIGINT) and SIGTERM: the first asks the run to stop now (the pipeline's supervisor
// sees the cancel within one 5 ms poll and stops every thread; finished results stay, the
// unfinished run is dropped, nothing is half-written); a second one exits at once.
// The exit status is the shell's convention for the signal: 128 + its number (130, 143).
import Dispatch
import Foundation
import Synchronization

final class InterruptHandling: Sendable {
    // SAFETY: written on install and on restore, both on the main thread, never concurrently.
    private nonisolated(unsafe) var sources: [DispatchSourceSignal] = []
    /// The first signal received, 0 before any.
    private let firstSignal = Atomic<Int32>(0)
    private let count = Atomic<Int>(0)

    /// 128 + the first signal's number (130 SIGINT, 143 SIGTERM); 130 if none arrived.
    var exitStatus: Int32 {
        let s = firstSignal.load(ordering: .acquiring)
        return 128 + (s == 0 ? SIGINT : s)
    }

    static func install(_ onInterrupt: @escaping @Sendable () -> Void) -> InterruptHandling {
        let h = InterruptHandling()
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [h] in
                _ = h.firstSignal.compareExchange(expected: 0, desired: sig, ordering: .acquiringAndReleasing)
                if h.count.add(1, ordering: .relaxed).newValue > 1 {
                    FileHandle.standardError.write(Data("second signal: exiting now\n".utf8))
                    exit(128 + sig)
                }
                let name = sig == SIGINT ? "SIGINT" : "SIGTERM"
                FileHandle.standardError.write(Data(
                    "\n\(name): stopping the current run now; finished results are kept (again to exit at once)\n".utf8))
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
}
