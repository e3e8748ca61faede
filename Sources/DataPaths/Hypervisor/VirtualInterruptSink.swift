import Platform
import Synchronization

/// How a virtual interrupt reaches the guest: the thread-trap guest's line, or a
/// KVM vCPU. Injection must be callable from any host thread.
package protocol VirtualInterruptSink: AnyObject, Sendable {
    func inject(seq: UInt32)
}
