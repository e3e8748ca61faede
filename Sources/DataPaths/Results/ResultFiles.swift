// Writes a run's files so that a reader never sees a half-written one (through AtomicFile),
// into a directory proved usable before any thread starts.
import Foundation
import Measurement

public enum ResultFiles {
    /// Creates `directory` if needed and proves it writable by creating (and removing) a probe
    /// file; throws a ConfigError (exit 2) naming `field` when it cannot be used. Called before
    /// any thread starts, so a bad output location costs nothing and leaves nothing behind.
    /// Returns the directories it created, outermost first (for `removeCreated` when the run
    /// itself turns out to be bad input, e.g. flags a traffic program rejects).
    @discardableResult
    public static func prepare(directory: String, field: String = "out") throws -> [String] {
        var info = stat()
        var created: [String] = []
        if stat(directory, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw ConfigError(field: field, problem: "'\(directory)' exists and is not a directory",
                                  fix: "give a directory path (it is created if missing), or remove the file")
            }
        } else {
            created = try createDirectories(directory, field: field)
        }
        try probeWritable(directory, field: field)
        return created
    }

    /// Removes what `prepare` created, innermost first; a directory that is no longer empty stays.
    public static func removeCreated(_ directories: [String]) {
        for d in directories.reversed() { _ = rmdir(d) }
    }

    /// `mkdir -p` that reports which component failed and why (errno), instead of a Cocoa code.
    @discardableResult
    static func createDirectories(_ directory: String, field: String) throws -> [String] {
        var created: [String] = []
        let absolute = directory.hasPrefix("/")
        var prefix = absolute ? "" : "."
        for component in directory.split(separator: "/") where !component.isEmpty {
            prefix += "/" + component
            let shown = absolute ? prefix : String(prefix.dropFirst(2))
            var info = stat()
            if stat(prefix, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw ConfigError(field: field, problem: "cannot create '\(directory)': '\(shown)' is a file, not a directory",
                                      fix: "choose a location under a directory")
                }
                continue
            }
            if mkdir(prefix, 0o755) != 0 {
                let e = errno
                if e == EEXIST { continue }
                throw ConfigError(field: field, problem: "cannot create '\(directory)': \(Errno(rawValue: e).named) at '\(shown)'",
                                  fix: "choose a writable location")
            }
            created.append(prefix)
        }
        return created
    }

    /// Access bits say little for root (and nothing about /proc or read-only mounts): only a real
    /// file creation proves the directory takes files.
    static func probeWritable(_ directory: String, field: String) throws {
        let probe = (directory as NSString).appendingPathComponent(".vwifi-bench-probe-\(getpid())")
        do {
            try AtomicFile.write("", to: probe)
        } catch {
            throw ConfigError(field: field, problem: "'\(directory)' does not take new files: \(error.errno.named)",
                              fix: "choose a writable directory")
        }
        unlink(probe)
    }

    /// Every per-run CSV of `result`, plus `result.json` with everything in one document.
    public static func write(_ result: PathResult, to directory: String) throws {
        try prepare(directory: directory)
        for (name, text) in result.csvFiles() { try AtomicFile.write(text, to: path(name, in: directory)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = String(decoding: try encoder.encode(result), as: UTF8.self)
        try AtomicFile.write(json + "\n", to: path("result.json", in: directory))
    }

    private static func path(_ name: String, in directory: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }
}
