import Glibc
import Testing
@testable import Measurement

@Suite struct CompetingLoadTests {
    @Test func parsesStatWithSpacesInComm() throws {
        let text = "1234 (my (odd) prog) R 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 99 0 0\n"
        let stat = try #require(CompetingLoad.parse(stat: text))
        #expect(stat.pid == 1234)
        #expect(stat.comm == "my (odd) prog")
        #expect(stat.ppid == 1)
        #expect(stat.session == 1234)
        #expect(stat.ticks == 300)
        #expect(CompetingLoad.parse(stat: "garbage") == nil)
    }

    @Test func readsProcsRunning() {
        let text = "cpu  1 2 3 4\nctxt 5\nprocs_running 3\nprocs_blocked 0\n"
        #expect(CompetingLoad.procsRunning(stat: text) == 3)
        #expect(CompetingLoad.procsRunning(stat: "cpu 1\n") == nil)
    }

    @Test func excludesOwnTreeAndSessionKeepsOthersOverThreshold() {
        func stat(_ pid: Int32, _ ppid: Int32, _ session: Int32, _ ticks: UInt64) -> CompetingLoad.ProcessStat {
            .init(pid: pid, comm: "p\(pid)", ppid: ppid, session: session, ticks: ticks)
        }
        // 100 harness (session 100); 200 its child in a new session (iperf3 in a netns, say);
        // 300 grandchild; 400 a stranger at 43 %; 500 a stranger at 2 % (under the threshold).
        let before: [Int32: CompetingLoad.ProcessStat] = [100: stat(100, 1, 100, 0), 200: stat(200, 100, 200, 0), 300: stat(300, 200, 300, 0),
                      400: stat(400, 1, 400, 0), 500: stat(500, 1, 500, 0)]
        let after: [Int32: CompetingLoad.ProcessStat] = [100: stat(100, 1, 100, 900), 200: stat(200, 100, 200, 900), 300: stat(300, 200, 300, 900),
                     400: stat(400, 1, 400, 430), 500: stat(500, 1, 500, 20)]
        let found = CompetingLoad.competitors(before: before, after: after, seconds: 10, ticksPerSecond: 100,
                                              own: 100, session: 100, commands: { $0 == 400 ? "sh -c busy" : nil })
        #expect(found.map(\.pid) == [400])
        #expect(found.first?.command == "sh -c busy")
        #expect(found.first?.mark == "400:43")
    }

    @Test func liveSnapshotHoldsThisProcessAsOwn() throws {
        let table = CompetingLoad.snapshot()
        let me = CompetingLoad.ownIdentity()
        let own = try #require(table[me.pid])
        #expect(CompetingLoad.isOwn(own, own: me.pid, session: me.session, table: table))
    }
}

@Suite struct InstanceLockTests {
    static func freshDirectory() -> String {
        let dir = "/tmp/vwifi-lock-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        _ = mkdir(dir, 0o755)
        return dir
    }

    @Test func twoHoldersSeeEachOther() throws {
        let dir = Self.freshDirectory()
        let first = try InstanceLock(directory: dir, name: "a", command: "vwifi-bench run one.yaml")
        let second = try InstanceLock(directory: dir, name: "b", command: "vwifi-bench run two.yaml")
        #expect(first.others() == [.init(pid: getpid(), command: "vwifi-bench run two.yaml")])
        #expect(second.others() == [.init(pid: getpid(), command: "vwifi-bench run one.yaml")])
        // The same name cannot be locked twice: a second open file description conflicts.
        #expect(throws: SystemCallError.self) { try InstanceLock(directory: dir, name: "a", command: "x") }
    }

    @Test func staleFileIsNotAHolderAndIsRemoved() throws {
        let dir = Self.freshDirectory()
        try AtomicFile.write("", to: "\(dir)/dead.lock")
        try AtomicFile.write("99999\nvwifi-bench run gone.yaml\n", to: "\(dir)/dead.cmd")
        let lock = try InstanceLock(directory: dir, name: "live", command: "me")
        #expect(lock.others().isEmpty)
        #expect(access("\(dir)/dead.lock", F_OK) != 0)
        #expect(access("\(dir)/dead.cmd", F_OK) != 0)
    }

    @Test func releasedLockDisappears() throws {
        let dir = Self.freshDirectory()
        let keeper = try InstanceLock(directory: dir, name: "keeper", command: "k")
        do {
            let gone = try InstanceLock(directory: dir, name: "gone", command: "g")
            #expect(keeper.others().count == 1)
            _ = gone
        }
        #expect(keeper.others().isEmpty)
    }
}
