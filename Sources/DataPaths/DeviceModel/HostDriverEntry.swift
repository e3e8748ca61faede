// Where the device model hands a command to the augmented host driver: a system call into the
// host kernel, after which the driver's command handling runs on the calling thread (as an
// ioctl's handler runs in the caller's context), with its answer as the call's result.
import Platform

/// What became of one command handed to the host driver.
package enum CommandOutcome: Equatable, Sendable {
    /// Validated and on the device's TX queue.
    case queued
    /// Refused by the driver (the device model completes it as dropped, with this reason).
    case refused(DropReason)
    /// The VM's device queue had no room: the device model keeps the command and offers it
    /// again after the next completion (every queued command brings one back).
    case deviceQueueFull
    /// The system call itself failed (its negative errno, or the bytes it took).
    case failed(Int)
}

/// The augmented host driver's command interface, as one VM's device model sees it.
package protocol HostDriverEntry: AnyObject {
    /// One command: the system call, then the driver's handling, on the calling thread.
    func submit(_ command: Descriptor) -> CommandOutcome
    /// The account the driver's handling is charged to on the calling thread (its component's,
    /// kernel work in the caller's context); the caller attaches and follows it.
    var kernelAccount: ThreadAccount? { get }
}
