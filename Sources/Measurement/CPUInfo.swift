// Facts from /proc/cpuinfo (first processor entry) that measurement depends on.
public enum CPUInfo {
    /// The `flags` of the first processor, e.g. constant_tsc, nonstop_tsc, rdtscp, vmx, svm.
    public static func flags() -> Set<String> {
        guard let value = field("flags") else { return [] }
        return Set(value.split(separator: " ").map(String.init))
    }

    /// The `model name` of the first processor.
    public static func modelName() -> String? { field("model name") }

    /// The value of the first line `name : value`.
    public static func field(_ name: String) -> String? {
        guard let text = TextFile.read("/proc/cpuinfo") else { return nil }
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].trimmedWhitespace == name {
                return line[line.index(after: colon)...].trimmedWhitespace
            }
        }
        return nil
    }
}
