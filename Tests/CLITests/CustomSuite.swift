/// A small suite of `custom` points for the tests that run the real binary: one experiment per
/// path (alpha, bravo, ...), every run `duration` seconds, seed 1, no counters.
func customSuite(_ name: String, repetitions: Int, duration: Double, paths: [String], trap: String? = "thread") -> String {
    let names = ["alpha", "bravo", "charlie", "delta"]
    let defaults = (trap.map { "trap: \($0), " } ?? "") + "counters: \"\", duration: \(duration)"
    return """
        name: \(name)
        repetitions: \(repetitions)
        seed: 1
        defaults: { \(defaults) }
        experiments:

        """ + zip(names, paths).map { "  - { name: \($0), figure: custom, path: \($1) }\n" }.joined()
}
