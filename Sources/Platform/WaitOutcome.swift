/// Why a `Notifier.wait` returned.
public enum WaitOutcome: Sendable, Equatable {
    /// The sequence moved: someone signalled since the token was taken.
    case signalled
    case timedOut
    /// A signal handler interrupted the futex wait (EINTR) before anything was signalled.
    case interrupted
    /// `close()` was called: shut down.
    case closed
}
