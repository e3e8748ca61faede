// Writes a run's files so that a reader never sees a half-written one: each file goes to a
// temporary name in the same directory and is renamed into place when complete.
import Foundation

public enum ResultFiles {
    /// Creates `directory` if needed; throws a ConfigError (exit 2) when it cannot be used.
    public static func prepare(directory: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ConfigError(field: "out", problem: "'\(directory)' exists and is a file",
                                  fix: "give a directory path, or remove the file")
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw ConfigError(field: "out", problem: "cannot create '\(directory)': \(error.localizedDescription)",
                                  fix: "choose a writable location")
            }
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw ConfigError(field: "out", problem: "'\(directory)' is not writable", fix: "choose a writable directory")
        }
    }

    /// Writes `contents` to `directory/name` atomically (temporary file, then rename).
    public static func write(_ contents: String, named name: String, in directory: String) throws {
        let final = URL(fileURLWithPath: directory).appendingPathComponent(name)
        let temporary = URL(fileURLWithPath: directory).appendingPathComponent(".\(name).partial-\(getpid())")
        try Data(contents.utf8).write(to: temporary)
        if rename(temporary.path, final.path) != 0 {
            let e = errno
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: final.path,
                                                           NSLocalizedDescriptionKey: "rename failed: errno \(e)"])
        }
    }

    /// Every per-run CSV of `result`, plus `result.json` with everything in one document.
    public static func write(_ result: PathResult, to directory: String) throws {
        try prepare(directory: directory)
        for (name, text) in result.csvFiles() { try write(text, named: name, in: directory) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = String(decoding: try encoder.encode(result), as: UTF8.self)
        try write(json + "\n", named: "result.json", in: directory)
    }
}
