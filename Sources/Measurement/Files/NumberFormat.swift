// The harness's one number formatter: CSV cells, bench.csv, figure data and every report line
// format numbers here, with no locale. NaN and infinities become empty text (an empty cell).
import Foundation

public enum NumberFormat {
    /// CSV cells of the per-run files: integers without decimals; otherwise rounded to 2, 3 or 6
    /// decimals by magnitude (>= 100, >= 1, below) and printed as Swift prints a Double.
    public static func csv(_ x: Double) -> String {
        guard x.isFinite else { return "" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        let digits = decimals(for: x, large: 2, unit: 3, small: 6)
        var scaled = (x * pow10(digits)).rounded() / pow10(digits)
        if scaled == -0.0 { scaled = 0 }
        return "\(scaled)"
    }

    /// `decimals` fixed decimals, trailing zeros (and a bare point) trimmed; "-0" is "0".
    public static func trimmed(_ x: Double, decimals: Int = 4) -> String {
        guard x.isFinite else { return "" }
        var s = String(format: "%.\(decimals)f", x)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    /// `trimmed`, and empty text for a missing value.
    public static func trimmed(_ x: Double?, decimals: Int = 4) -> String {
        x.map { trimmed($0, decimals: decimals) } ?? ""
    }

    /// Bench numbers: `trimmed` to 1, 3 or 4 decimals by magnitude (>= 100, >= 1, below).
    public static func compact(_ x: Double) -> String {
        trimmed(x, decimals: decimals(for: x, large: 1, unit: 3, small: 4))
    }

    /// `compact`, and empty text for a missing value.
    public static func compact(_ x: Double?) -> String { x.map { compact($0) } ?? "" }

    /// `n` in decimal, zero-padded on the left to `width` digits (e.g. the seconds of "2m05s").
    public static func padded(_ n: Int, width: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func decimals(for x: Double, large: Int, unit: Int, small: Int) -> Int {
        let magnitude = abs(x)
        return magnitude >= 100 ? large : magnitude >= 1 ? unit : small
    }

    private static func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { r, _ in r * 10 } }
}
