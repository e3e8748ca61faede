// What every pipeline component has: the run's configuration, the account of the thread it
// runs on, the run's control (phase, failure, progress) and its tally. Components hold one
// context instead of four fields, and their threads run the one loop below.

/// A component's share of the run.
package struct ComponentContext: Sendable {
    package let config: PathConfig
    package let account: ThreadAccount
    package let control: PipelineControl
    package let tally: Tally

    package init(config: PathConfig, account: ThreadAccount, control: PipelineControl, tally: Tally) {
        self.config = config
        self.account = account
        self.control = control
        self.tally = tally
    }
}

/// A pipeline component: something that runs on one pipeline thread.
package protocol PipelineComponent: AnyObject {
    var context: ComponentContext { get }
}

extension PipelineComponent {
    @inline(__always) package var account: ThreadAccount { context.account }
    @inline(__always) package var control: PipelineControl { context.control }
    @inline(__always) package var tally: Tally { context.tally }
    @inline(__always) package var config: PathConfig { context.config }

    /// The body of a component thread: attach the thread's account (its counters open on
    /// this thread), run `work`, close the books.
    @inline(__always)
    package func runThread(_ work: () -> Void) {
        account.attach()
        work()
        account.finish()
    }

    /// The loop of a component thread: `iteration` until the run stops; each turn first
    /// starts the measured region once the warm-up ended (and parks at a test's hold).
    @inline(__always)
    package func runLoop(_ iteration: () -> Void) {
        runThread {
            while !control.isStopping {
                account.follow(control)
                iteration()
            }
        }
    }
}
