import Foundation
import Testing
@testable import DataPaths
import Measurement
import CVWiFiShim

/// A traffic tool as a real child process: output captured whatever its size, a missing or
/// unrunnable program is an error naming the errno (not a silent exit 127), CPU is read live
/// and from wait4, and the process is reaped once and never outlives its ToolProcess.
@Suite struct ToolProcessTests {
    @Test func capturesMoreOutputThanAPipeHoldsWithoutAnyoneReading() throws {
        // 300 KiB on stdout, far past a pipe's 64 KiB: with a pipe nobody reads, the tool would
        // block and the wait below time out.
        let tool = try ToolProcess.spawn(["/bin/sh", "-c", "head -c 307200 /dev/zero | tr '\\0' a; echo done >&2; exit 3"])
        let exit = try #require(try tool.wait(timeoutNs: 20_000_000_000), "the tool blocked on its output")
        #expect(exit.termination == .exited(3))
        #expect(exit.stdout.utf8.count == 307_200)
        #expect(exit.stdout.utf8.allSatisfy { $0 == UInt8(ascii: "a") })
        #expect(exit.stderr == "done\n")
        #expect(!tool.isRunning)
        // Reaped exactly once: the same outcome again, and the pid is gone (no zombie).
        #expect(try tool.wait() == exit)
        #expect(vw_process_exists(tool.pid) == -ESRCH)
    }

    @Test func aMissingExecutableIsAnErrorNamingIt() {
        #expect { _ = try ToolProcess.spawn(["vwb-no-such-tool-here"]) } throws: { error in
            guard let e = error as? SystemCallError else { return false }
            return e.errno == .noSuchFileOrDirectory && e.call.contains("vwb-no-such-tool-here")
        }
        #expect { _ = try ToolProcess.spawn(["/nonexistent/dir/iperf3"]) } throws: { error in
            (error as? SystemCallError)?.errno == .noSuchFileOrDirectory
        }
    }

    @Test func anExecFailureInTheChildComesBackAsItsErrno() throws {
        // Executable but not a program: execve itself fails (ENOEXEC) after the fork, so only
        // the child knows; the close-on-exec pipe must carry it back.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vwb-spawn-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bogus = dir.appendingPathComponent("not-a-program")
        try Data([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]).write(to: bogus)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bogus.path)
        #expect { _ = try ToolProcess.spawn([bogus.path]) } throws: { error in
            guard let e = error as? SystemCallError else { return false }
            return e.errno == .execFormatError && e.call.hasPrefix("execve")
        }
    }

    @Test func cpuIsReadLiveAndTotalledByWait4() throws {
        let tool = try ToolProcess.spawn(["/bin/sh", "-c", "while :; do :; done"])
        #expect(tool.isRunning)
        #expect(try tool.wait(timeoutNs: 1_000_000) == nil, "a busy loop cannot have exited")
        // Live CPU from /proc/<pid>/stat rises while it spins (ticks are 10 ms).
        let deadline = vw_monotonic_ns() + 10_000_000_000
        var live = 0.0
        while live < 0.05, vw_monotonic_ns() < deadline {
            _ = vw_sleep_until_ns(vw_monotonic_ns() + 20_000_000)
            live = tool.cpuSeconds() ?? 0
        }
        #expect(live >= 0.05, "live CPU \(live) s")
        tool.terminate(graceNs: 2_000_000_000)
        let exit = try #require(try tool.wait(timeoutNs: 5_000_000_000))
        #expect(exit.termination == .signaled(SIGTERM))
        #expect(exit.cpuSeconds >= live - 0.02, "rusage \(exit.cpuSeconds) s < live \(live) s")
        #expect(tool.cpuSeconds() == nil)
    }

    @Test func terminateEscalatesToSIGKILLAfterTheGrace() throws {
        // A tool that ignores SIGTERM (the shell's trap) must still end.
        let tool = try ToolProcess.spawn(["/bin/sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done"])
        let ready = vw_monotonic_ns() + 5_000_000_000
        while tool.outputSoFar().stdout.isEmpty, vw_monotonic_ns() < ready {
            _ = vw_sleep_until_ns(vw_monotonic_ns() + 5_000_000)
        }
        let start = vw_monotonic_ns()
        tool.terminate(graceNs: 200_000_000)
        let elapsed = vw_monotonic_ns() - start
        let exit = try #require(try tool.wait(timeoutNs: 5_000_000_000))
        #expect(exit.termination == .signaled(SIGKILL))
        #expect(elapsed >= 200_000_000, "SIGKILL came before the grace ended (\(elapsed) ns)")
    }
}
