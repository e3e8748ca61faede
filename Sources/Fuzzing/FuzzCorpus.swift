// Reading a corpus: files named on the command line, or every regular file in a directory
// (hidden files skipped), in a stable order.
import Foundation

public enum FuzzCorpus {
    /// Regular files under `paths` (a file stands for itself; a directory for its files, one
    /// level deep), sorted. Throws naming a path that does not exist.
    public static func files(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CorpusError(message: "\(path): no such file or directory; give corpus files or directories")
            }
            if isDirectory.boolValue {
                let names = try fm.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }.sorted()
                for name in names {
                    let full = (path as NSString).appendingPathComponent(name)
                    var sub: ObjCBool = false
                    if fm.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { out.append(full) }
                }
            } else {
                out.append(path)
            }
        }
        return out
    }

    public static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    public struct CorpusError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}
