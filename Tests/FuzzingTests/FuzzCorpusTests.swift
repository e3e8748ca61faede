import Foundation
import Testing
@testable import DataPaths
@testable import Fuzzing
import Platform
@testable import Suites

/// The fuzz targets in the ordinary test run: every seed and every regression input
/// in Tests/FuzzCorpus replays in-process with no broken invariant; the seeds do what their
/// names say (so a replay that passes means something); the checks themselves catch what they
/// exist to catch; and a short deterministic mutation run exercises each target beyond its seeds.
/// libFuzzer runs the same targets in `make fuzz-smoke` / `make fuzz`.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("FuzzCorpus")

    static func inputs(_ target: String, regressions: Bool = false) throws -> [(String, [UInt8])] {
        var dir = corpus.appendingPathComponent(target)
        if regressions { dir.appendPathComponent("regressions") }
        return try FuzzCorpus.files([dir.path]).map { (URL(fileURLWithPath: $0).lastPathComponent, try FuzzCorpus.bytes($0)) }
    }

    static func regression(_ target: String, _ name: String) throws -> [UInt8] {
        try FuzzCorpus.bytes(corpus.appendingPathComponent(target).appendingPathComponent("regressions")
            .appendingPathComponent(name).path)
    }

    // MARK: replay

    @Test(arguments: FuzzTarget.all.map(\.name))
    func everySeedReplaysWithoutBrokenInvariants(target: String) throws {
        let inputs = try Self.inputs(target)
        #expect(inputs.count >= 8, "the \(target) seed corpus is missing")
        for (name, bytes) in inputs {
            #expect(FuzzTarget.named(target)!.check(bytes) == [], "\(target)/\(name)")
        }
    }

    /// The targets whose regressions/ holds inputs that once broke an invariant (a new target has
    /// none until its fuzzer finds one).
    static let targetsWithRegressions = ["device-model", "suite-parser"]

    @Test(arguments: targetsWithRegressions)
    func everyRegressionInputReplaysWithoutBrokenInvariants(target: String) throws {
        let inputs = try Self.inputs(target, regressions: true)
        #expect(!inputs.isEmpty)
        for (name, bytes) in inputs {
            #expect(FuzzTarget.named(target)!.check(bytes) == [], "\(target)/regressions/\(name)")
        }
    }

    @Test(arguments: FuzzTarget.all.filter { $0.generatedSeeds != nil }.map(\.name))
    func generatedSeedsAreTheGeneratorsOutput(target: String) throws {
        let files = Dictionary(uniqueKeysWithValues: try Self.inputs(target))
        let seeds = FuzzTarget.named(target)!.generatedSeeds!
        for seed in seeds {
            #expect(files[seed.name] == seed.bytes,
                    "Tests/FuzzCorpus/\(target)/\(seed.name) is stale: swift run vwifi-fuzz seed \(target) Tests/FuzzCorpus/\(target)")
        }
        #expect(files.count == seeds.count)
    }

    /// An honest guest's packets all reach the host; each lie is refused under its own outcome.
    @Test func guestOutboxSeedsDoWhatTheirNamesSay() throws {
        let seeds = Dictionary(uniqueKeysWithValues: GuestOutboxFuzzProgram.seeds.map { ($0.name, $0.bytes) })
        func report(_ name: String) -> GuestOutboxFuzzTarget.Report { GuestOutboxFuzzTarget.report(seeds[name]!) }
        #expect(report("honest-one-packet").packets == 1)
        #expect(report("honest-full-outbox").packets == GuestOutboxFuzzTarget.slots)
        #expect(report("honest-wraps-around").packets == 3 * GuestOutboxFuzzTarget.slots)
        for name in ["honest-one-packet", "honest-full-outbox", "honest-wraps-around"] {
            #expect(report(name).malformed == 0 && report(name).overclaims == 0, "\(name)")
        }
        for name in ["overclaims-one-more-than-slots", "produced-below-consumed", "produced-max"] {
            #expect(report(name).overclaims > 0, "\(name): \(report(name))")
        }
        #expect(report("produced-below-consumed").packets == 1)
        #expect(report("length-zero-and-max").malformed == 2 && report("length-zero-and-max").packets == 0)
        #expect(report("length-one-past-the-room").malformed == 1)
        // The guest's scribble on the host's count changes nothing: the host keeps its own, and
        // the second drain takes exactly the one slot past it (left empty: malformed).
        #expect(report("scribbles-host-consumed").packets == 1 && report("scribbles-host-consumed").malformed == 1)
        #expect(report("scribbles-slot-words").malformed == 1 && report("scribbles-slot-words").packets == 1)
        for (name, bytes) in seeds { #expect(GuestOutboxFuzzTarget.report(bytes).violations == [], "\(name)") }
    }

    /// The dictionary's `"field: "` entries are exactly the option table's names and the suite's
    /// own fields, so the fuzzer spells every field the parser takes and no retired one.
    @Test func suiteParserDictionaryNamesEveryFieldAndOption() throws {
        let dict = try String(contentsOf: Self.corpus.appendingPathComponent("suite-parser.dict"), encoding: .utf8)
        let names = PathOption.names + SuiteParser.suiteKeys + SuiteParser.experimentKeys
        for name in names {
            #expect(dict.contains("\"\(name): \""), "Tests/FuzzCorpus/suite-parser.dict lacks \(name)")
        }
        let fields = dict.split(separator: "\n").filter { $0.first == "\"" && $0.hasSuffix(": \"") && $0.dropFirst().first?.isLetter == true }
            .map { String($0.dropFirst().dropLast(3)) }
        #expect(Set(fields).subtracting(names).isEmpty, "Tests/FuzzCorpus/suite-parser.dict names fields the parser does not take")
    }

    // MARK: the seeds do what their names say

    @Test func legitimatePacketsReachTheHostDriverOnEveryModelVariant() {
        for name in ["legitimate-tx-software", "legitimate-tx-iommu", "legitimate-tx-kvm", "legitimate-tx-ioeventfd"] {
            let seed = DeviceModelFuzzProgram.seeds.first { $0.name == name }!
            let r = DeviceModelFuzzTarget.report(seed.bytes)
            #expect(r.violations == [] && r.commands == 2 && r.rejections.isEmpty && r.runFailure == nil, "\(name): \(r)")
        }
        let rx = DeviceModelFuzzTarget.report(DeviceModelFuzzProgram.seeds.first { $0.name == "legitimate-rx" }!.bytes)
        #expect(rx.violations == [] && rx.rxFramesCopied == 1 && !rx.guestWreckedItsRings)
    }

    @Test func hostileSeedsAreRefusedUnderTheirReason() {
        func report(_ name: String) -> DeviceModelFuzzReport {
            DeviceModelFuzzTarget.report(DeviceModelFuzzProgram.seeds.first { $0.name == name }!.bytes)
        }
        #expect(report("gpa-outside-memory").rejections == ["descriptor_outside_guest_memory": 2])
        #expect(report("gpa-spanning-slot-end").rejections == ["descriptor_outside_guest_memory": 1])
        #expect(report("bad-lengths").rejections == ["descriptor_bad_length": 3])
        let forged = report("forged-vmid-and-kind")
        #expect(forged.commands == 1 && forged.violations == [])  // forwarded under the model's VM-ID
        #expect(report("doorbell-tails").ringIndicesOutOfRange == 1)
        let producer = report("producer-index-beyond-ring")
        #expect(producer.ringIndicesOutOfRange == 2 && producer.commands == 1)
        // 5 of the 7 offsets lie inside the device's window: 5 writes, 5 reads, and the
        // doorbell stored with 2 and 8 bytes.
        #expect(report("undefined-registers").undefinedRegisterAccesses == 12)
        let rx = report("rx-buffers-hostile")
        #expect(rx.rejections["descriptor_outside_guest_memory"] == 2 && rx.rejections["descriptor_bad_length"] == 1)
        let overflow = report("completion-ring-overflow")
        // The model takes a descriptor only with room for its completion: the guest that never
        // reaps stalls itself, and the run goes on.
        #expect(overflow.violations == [] && overflow.runFailure == nil)
        #expect(overflow.completionRingFullDeferrals > 0)
    }

    // MARK: regressions: each input the fuzzer found, and what it was

    /// Bug in the device model (fixed): with IOMMU translation the model tagged a guest GPA by
    /// keeping its low 35 bits, so a GPA at or past the VM's 32 GiB window (here 32 GiB +
    /// 0x3000) aliased into the VM's own RAM and was DMA'd from there instead of being refused.
    /// The model now refuses it as descriptor_outside_guest_memory. Found by the target's
    /// command invariant (the tag must name the GPA the guest named) on its seed
    /// gpa-beyond-iommu-window, before any mutation.
    @Test func iommuGPABeyondTheVMsWindowIsRefusedNotAliased() throws {
        let r = DeviceModelFuzzTarget.report(try Self.regression("device-model", "iommu-gpa-beyond-window-aliased"))
        #expect(r.violations == [])
        #expect(r.commands == 0)
        #expect(r.rejections["descriptor_outside_guest_memory"] == 1)
    }

    /// Harness bug (fixed in the target, not the model): the guest stored a producer index into
    /// its own completion ring and then read zero slots back; the target took those for
    /// completions the model wrote. Only what crosses to the host is the model's to answer for.
    /// Found by libFuzzer within seconds.
    @Test func guestReadingItsOwnWreckedCompletionRingIsNotAModelBug() throws {
        let r = DeviceModelFuzzTarget.report(try Self.regression("device-model", "guest-pokes-completion-producer"))
        #expect(r.violations == [] && r.guestWreckedItsRings)
    }

    /// Harness bug (fixed in the target): the guest posted an RX buffer over its own ring pages;
    /// the model copied the frame there as told, and the completion it then wrote into that
    /// ring overwrote part of the frame. The target no longer reads back rings the guest wrecked.
    /// Found by libFuzzer within seconds.
    @Test func rxBufferPostedOverTheGuestsOwnRingsIsNotAModelBug() throws {
        let r = DeviceModelFuzzTarget.report(try Self.regression("device-model", "rx-buffer-over-own-rings"))
        #expect(r.violations == [] && r.guestWreckedItsRings)
    }

    /// Bug in the suite parser (fixed): a sweep listing one value twice gave two points with one
    /// label and one seed, indistinguishable in every results table. It is now a SuiteError.
    /// Found by the target's unique-label invariant on a hand-written seed.
    @Test func repeatedSweepValueIsASuiteError() throws {
        let text = String(decoding: try Self.regression("suite-parser", "repeated-sweep-value.yaml"), as: UTF8.self)
        #expect(throws: SuiteError.self) { try SuiteParser.parse(text, file: "t.yaml") }
        do { _ = try SuiteParser.parse(text, file: "t.yaml") } catch {
            #expect(error.field == "experiments[0].sweep.packets[1]" && error.problem.contains("listed twice"))
        }
    }

    /// Bug in the suite parser (fixed): seven ten-value sweep lists (a 500-byte file) asked for
    /// ten million points, which the parser expanded until memory ran out, a hang rather than
    /// a message. More than `maxPointsPerExperiment` points is now a SuiteError at the sweep.
    /// Found while writing the target (libFuzzer's -timeout=10 would report such an input as a
    /// timeout; the 60 s runs did not build one).
    @Test func hugeSweepIsASuiteErrorNotAHang() throws {
        let text = String(decoding: try Self.regression("suite-parser", "sweep-of-ten-million-points.yaml"), as: UTF8.self)
        do {
            _ = try SuiteParser.parse(text, file: "t.yaml")
            Issue.record("a sweep of ten million points was accepted")
        } catch {
            #expect(error.field == "experiments[0].sweep" && error.problem.contains("more than 10000 points"))
        }
        // The limit is the product, not the list lengths: 4 x 10 values (10,000 points) pass.
        let fourLists = text.split(separator: "\n").prefix(9).joined(separator: "\n")
        #expect(try SuiteParser.parse(fourLists, file: "t.yaml").experiments[0].points.count == 10_000)
    }

    // MARK: the checks catch what they exist to catch

    @Test func deviceModelChecksCatchACommandOutsideTheVMOrUnderAnotherVMID() throws {
        for setup: DeviceModelFuzzProgram.Setup in [[], .iommu] {
            let s = try DeviceModelFuzzSession(setup: setup)
            let base = UInt64(UInt(bitPattern: s.memory.hostBase))
            let good = setup.contains(.iommu)
                ? Descriptor(addr: IOMMU.tag(gpa: 0x1000, vmID: DeviceModelFuzzTarget.vmID), length: 64,
                             flags: DescriptorFlag.tagged, vmID: DeviceModelFuzzTarget.vmID)
                : Descriptor(addr: base + 0x1000, length: 64, flags: DescriptorFlag.hostAddress,
                             vmID: DeviceModelFuzzTarget.vmID)
            s.checkCommand(good)
            #expect(s.violations == [])
            var otherVM = good
            otherVM.vmID = 2
            s.checkCommand(otherVM)
            var tooLong = good
            tooLong.length = 5000
            s.checkCommand(tooLong)
            var outside = good
            outside.addr = setup.contains(.iommu) ? IOMMU.tag(gpa: 0x1000, vmID: 2) : base + UInt64(s.memory.size)
            s.checkCommand(outside)
            #expect(s.violations.count == 3, "\(s.violations)")
        }
    }

    @Test func suiteChecksCatchABrokenPromise() throws {
        let text = try String(contentsOf: Self.corpus.appendingPathComponent("suite-parser/sweep.yaml"), encoding: .utf8)
        var suite = try SuiteParser.parse(text, file: "sweep.yaml")
        #expect(SuiteParserFuzzTarget.check(suite) == [])
        #expect(suite.experiments[0].points.count == 8)
        suite.experiments.append(suite.experiments[0])  // the same name twice
        suite.experiments[0].points[1].label = suite.experiments[0].points[0].label
        suite.experiments[0].quickPoints[1].label = suite.experiments[0].points[0].label
        suite.repetitions = 0
        #expect(SuiteParserFuzzTarget.check(suite).count == 3, "\(SuiteParserFuzzTarget.check(suite))")
    }

    @Test func paperSuiteIsAcceptedWithItsPromisesKept() throws {
        let bytes = try FuzzCorpus.bytes(Self.corpus.appendingPathComponent("suite-parser/paper.yaml").path)
        let suite = try SuiteParser.parse(String(decoding: bytes, as: UTF8.self), file: "paper.yaml")
        #expect(suite.points(quick: false).count == 26)
        #expect(SuiteParserFuzzTarget.check(suite) == [])
    }

    // MARK: a short deterministic mutation run (libFuzzer does the real work in make fuzz)

    @Test(arguments: FuzzTarget.all.map(\.name))
    func mutatedSeedsKeepEveryInvariant(target: String) throws {
        let fuzz = FuzzTarget.named(target)!
        let seeds = try Self.inputs(target).map(\.1)
        var rng = SplitMix64(seed: 0x5EED_F022)
        var failures: [String] = []
        for _ in 0..<2_000 {
            var input = seeds[Int(rng.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + rng.next() % 8) {
                let at = input.isEmpty ? 0 : Int(rng.next() % UInt64(input.count))
                switch rng.next() % 4 {
                case 0 where !input.isEmpty: input[at] ^= UInt8(1 << (rng.next() % 8))
                case 1 where !input.isEmpty: input[at] = UInt8(truncatingIfNeeded: rng.next())
                case 2: input.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
                default: if !input.isEmpty { input.remove(at: at) }
                }
            }
            let problems = fuzz.check(input)
            if !problems.isEmpty { failures.append("\(input): \(problems)") }
        }
        #expect(failures == [])
    }
}
