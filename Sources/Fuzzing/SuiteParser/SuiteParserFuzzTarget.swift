// Fuzz target for the suite parser: any byte string is offered as a suite file's text. A
// `SuiteError` is the right answer to bad input; a crash, a trap or a hang is a bug. A suite the
// parser accepts must hold what the parser promises: every point a valid configuration within
// the validated ranges, unique names, and a run plan that expands.
import DataPaths
import Suites

public enum SuiteParserFuzzTarget {
    /// Parses `input` as suite text and returns the invariant violations found (empty: fine).
    public static func check(_ input: UnsafeRawBufferPointer) -> [String] {
        let text = String(decoding: input, as: UTF8.self)
        let suite: Suite
        do { suite = try SuiteParser.parse(text, file: "fuzz.yaml") } catch {
            if error.problem.isEmpty || error.fix.isEmpty { return ["a SuiteError without a problem or a fix: \(error)"] }
            return []
        }
        return check(suite)
    }

    public static func check(_ input: [UInt8]) -> [String] { input.withUnsafeBytes { check($0) } }

    /// What an accepted suite promises.
    static func check(_ suite: Suite) -> [String] {
        var problems: [String] = []
        if !(1...1000).contains(suite.repetitions) { problems.append("repetitions \(suite.repetitions) outside 1...1000") }
        if !(1...1000).contains(suite.quickRepetitions) { problems.append("quick_repetitions \(suite.quickRepetitions) outside 1...1000") }
        if suite.experiments.isEmpty { problems.append("an accepted suite without experiments") }
        var names = Set<String>()
        for e in suite.experiments {
            if !names.insert(e.name).inserted { problems.append("experiment name '\(e.name)' used twice") }
            if e.name.isEmpty { problems.append("an experiment without a name") }
            if e.points.isEmpty || e.points.count != e.quickPoints.count {
                problems.append("experiment \(e.name): \(e.points.count) points, \(e.quickPoints.count) quick points")
            }
            var labels = Set<String>()
            for (p, q) in zip(e.points, e.quickPoints) {
                if !labels.insert(p.label).inserted {
                    problems.append("experiment \(e.name): two points share the label '\(p.label)' (their results would be indistinguishable)")
                }
                if p.label != q.label { problems.append("experiment \(e.name): quick point '\(q.label)' is not point '\(p.label)'") }
                for c in [p.config, q.config] {
                    do { try c.validate() } catch { problems.append("experiment \(e.name)[\(p.label)]: accepted an invalid config (\(error))") }
                    if let s = e.scenario, s.path != c.path { problems.append("experiment \(e.name): scenario \(s.rawValue) on path \(c.path.rawValue)") }
                    if c.packets < 1 || c.size < 18 || c.size > PathConfig.maxPayload || c.ringSize < 8
                        || c.coalesceDeviceModel < 1 || c.coalesceDevice < 1 {
                        problems.append("experiment \(e.name)[\(p.label)]: a value outside its validated range")
                    }
                }
            }
        }
        for quick in [false, true] {
            var options = RunOptions()
            options.quick = quick
            options.repetitions = 1
            do {
                let plan = try RunPlan(suite: suite, options: options)
                let points = suite.points(quick: quick).count
                if plan.runs.count != 2 * points {
                    problems.append("the \(quick ? "quick " : "")plan has \(plan.runs.count) runs for \(points) points (want a warm-up and one run each)")
                }
                if !(plan.estimatedSeconds >= 0 && plan.estimatedSeconds.isFinite) {
                    problems.append("the plan estimates \(plan.estimatedSeconds) s")
                }
            } catch {
                problems.append("an accepted suite's plan does not expand: \(error)")
            }
        }
        return problems
    }
}
