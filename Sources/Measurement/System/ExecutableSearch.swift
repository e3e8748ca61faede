// Finds a program the way a shell would: the first executable regular file of that name in the
// PATH directories. One lookup for the doctor, the charts and the traffic programs.
import Glibc

public enum ExecutableSearch {
    /// The process's PATH, or the usual system directories when it has none.
    public static var processPath: String {
        getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
    }

    /// The full path of `name` on `searchPath` (colon-separated), or nil when none is executable.
    public static func locate(_ name: String, searchPath: String = processPath) -> String? {
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            var info = stat()
            guard stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
