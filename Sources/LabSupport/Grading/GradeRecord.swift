#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One student's grade as the class gradebook needs it, saved beside their results
/// (`<out>/<student>/grade.json`) the moment they are graded. `gradebook.csv` is rebuilt
/// from these files, so a grader that is killed loses at most the student in progress,
/// and a re-run resumes where it stopped.
public struct GradeRecord: Codable, Sendable {
    /// The folder's name as the student gave it (lossy UTF-8).
    public var student: String
    /// The sanitised name of the output folder and the gradebook row.
    public var folder: String
    /// The submission's and the kit's fingerprints: a changed one means "grade again".
    public var submission: String
    public var kit: String
    public var scores: [String: Double]
    public var total: Double
    public var maxScore: Double
    public var summary: String

    public static let fileName = "grade.json"

    public init(student: String, folder: String, submission: String, kit: String, scores: [String: Double],
                total: Double, maxScore: Double, summary: String) {
        (self.student, self.folder, self.submission, self.kit) = (student, folder, submission, kit)
        (self.scores, self.total, self.maxScore, self.summary) = (scores, total, maxScore, summary)
    }

    public static func load(_ path: String) -> GradeRecord? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(GradeRecord.self, from: data)
    }

    public func save(in folder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(try encoder.encode(self), to: "\(folder)/\(Self.fileName)")
    }

    /// gradebook.csv from every record under `out`: one row per student, sorted by folder.
    public static func gradebook(out: String, exercises: [Exercise]) -> String {
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).sorted()
        var rows = ["student,folder," + exercises.map(\.id).joined(separator: ",") + ",total,max,summary"]
        for folder in folders {
            guard let record = load("\(out)/\(folder)/\(fileName)") else { continue }
            rows.append(([csvField(record.student), csvField(record.folder)]
                         + exercises.map { String(format: "%g", record.scores[$0.id] ?? 0) }
                         + [String(format: "%g", record.total), String(format: "%g", record.maxScore), csvField(record.summary)]).joined(separator: ","))
        }
        return rows.joined(separator: "\n") + "\n"
    }

    static func csvField(_ s: String) -> String {
        // A cell that starts like a formula is quoted with a leading ' so spreadsheets show it as text.
        var s = s.replacingOccurrences(of: "\n", with: " ")
        if let first = s.first, "=+-@".contains(first) { s = "'" + s }
        return s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}

/// Writes through a temporary file in the same folder and `rename(2)`: readers see the
/// old file or the new one, never half of one.
public func writeAtomically(_ data: Data, to path: String) throws {
    let temporary = path + ".tmp-\(getpid())"
    guard FileManager.default.createFile(atPath: temporary, contents: data) else {
        throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
    }
    guard rename(temporary, path) == 0 else {
        unlink(temporary)
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
    }
}

/// A fingerprint of the kit's grading inputs (checks, stubs, core, package), so that
/// resuming never reuses a grade made by other checks.
public func kitFingerprint(root: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    let fm = FileManager.default
    for top in ["Package.swift", "Labs", "Sources", "Tests/Graded", "Tests/Hidden"] {
        let path = "\(root)/\(top)"
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
        let files = isDirectory.boolValue ? ((fm.subpaths(atPath: path) ?? []).sorted().map { "\(path)/\($0)" }) : [path]
        for file in files {
            guard let data = fm.contents(atPath: file) else { continue }
            hash = fnv1a(data, seed: fnv1a(Array(file.dropFirst(root.count).utf8), seed: hash))
        }
    }
    return String(hash, radix: 16)
}
