import Foundation
import LabKit

#if canImport(Glibc)
    import Glibc
#endif

/// The list of files a kit command wrote into a folder (`.labkit-manifest`): one
/// "hash  relative/path" line per file, the hash the FNV-1a of the bytes written (16 hex digits;
/// a path may have several, e.g. while a run commits). A folder's files are the kit's to replace
/// only when they are listed with their current hash: anything else is the user's.
package enum OutputManifest {
    package static let fileName = ".labkit-manifest"

    /// Path → hashes; nil when the folder has no manifest or it is not one.
    package static func read(in folder: String) -> [String: Set<String>]? {
        guard let text = try? String(contentsOfFile: "\(folder)/\(fileName)", encoding: .utf8),
            text.hasPrefix("# labkit output manifest\n")
        else { return nil }
        var entries: [String: Set<String>] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[1].isEmpty, parts[0].count == 16,
                !parts[2].hasPrefix("/"), !parts[2].split(separator: "/").contains("..")
            else { return nil }
            entries[String(parts[2]), default: []].insert(String(parts[0]))
        }
        return entries
    }

    /// Writes the manifest whole (a temporary file renamed over it).
    package static func write(_ entries: [String: Set<String>], in folder: String) throws {
        let lines = entries.flatMap { path, hashes in hashes.map { "\($0)  \(path)\n" } }
        let text =
            "# labkit output manifest\n"
            + lines.sorted { $0.dropFirst(18) == $1.dropFirst(18) ? $0 < $1 : $0.dropFirst(18) < $1.dropFirst(18) }
            .joined()
        let temporary = "\(folder)/\(fileName).tmp-\(getpid())"
        do {
            try text.write(toFile: temporary, atomically: false, encoding: .utf8)
            guard rename(temporary, "\(folder)/\(fileName)") == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// FNV-1a (64 bits) of a regular file's bytes, as 16 hex digits; "" when it is not one.
    package static func hash(of path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
            let data = FileManager.default.contents(atPath: path)
        else { return "" }
        return hash(of: data)
    }

    package static func hash(of data: Data) -> String {
        let hex = String(fnv1a(data), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Whether `relative` in `folder` is absent or is a file the kit wrote, unchanged since.
    package static func mayReplace(_ relative: String, in folder: String) -> Bool {
        let path = "\(folder)/\(relative)"
        var info = stat()
        guard lstat(path, &info) == 0 else { return true }
        return read(in: folder)?[relative]?.contains(hash(of: path)) ?? false
    }
}
