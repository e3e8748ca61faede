/// Minimal RFC 4180 writing: quote fields with commas, quotes or newlines.
public enum CSV {
    public static func render(header: [String], rows: [[String]]) -> String {
        var out = header.map(field).joined(separator: ",") + "\n"
        for r in rows { out += r.map(field).joined(separator: ",") + "\n" }
        return out
    }

    public static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
        return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
    }

    /// Numbers with enough digits to be useful and no locale.
    public static func number(_ x: Double) -> String {
        guard x.isFinite else { return "" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        let magnitude = abs(x)
        let digits = magnitude >= 100 ? 2 : magnitude >= 1 ? 3 : 6
        var scaled = (x * pow10(digits)).rounded() / pow10(digits)
        if scaled == -0.0 { scaled = 0 }
        return "\(scaled)"
    }

    private static func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { r, _ in r * 10 } }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
