import Foundation
import LabData
import LabKit
import LabRegistry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One student's grade as the class gradebook needs it, saved beside their results
/// (`<out>/<student>/grade.json`) the moment they are graded. `gradebook.csv` is rebuilt
/// from these files, so a grader that is killed loses at most the student in progress,
/// and a re-run resumes where it stopped.
package struct GradeRecord: Codable, Sendable {
    /// The folder's name as the student gave it (lossy UTF-8).
    package var student: String
    /// The sanitised name of the output folder and the gradebook row.
    package var folder: String
    /// The submission's and the kit's fingerprints: a changed one means "grade again".
    package var submission: String
    package var kit: String
    package var scores: [String: Double]
    package var total: Double
    package var maxScore: Double
    package var summary: String
    /// Per lab ("01"…): ok, not submitted, compile error, crash, time-out or failed checks.
    package var labStatus: [String: String]?

    package static let fileName = "grade.json"

    package init(
        student: String, folder: String, submission: String, kit: String, scores: [String: Double],
        total: Double, maxScore: Double, summary: String, labStatus: [String: String]? = nil
    ) {
        (self.student, self.folder, self.submission, self.kit) = (student, folder, submission, kit)
        (self.scores, self.total, self.maxScore, self.summary, self.labStatus) = (
            scores, total, maxScore, summary, labStatus
        )
    }

    /// Keeps `earlier`'s scores and statuses for the labs not graded now, and recomputes the totals.
    package mutating func merge(keepingFrom earlier: GradeRecord, labs graded: [Int]) {
        for exercise in LabRegistry.kit.exercises where !graded.contains(exercise.lab) {
            if let score = earlier.scores[exercise.id] { scores[exercise.id] = score }
            let key = String(format: "%02d", exercise.lab)
            if let status = earlier.labStatus?[key] {
                labStatus = (labStatus ?? [:]).merging([key: status]) { a, _ in a }
            }
        }
        total = scores.values.reduce(0, +)
        maxScore = LabRegistry.kit.exercises.filter { scores[$0.id] != nil }.reduce(0) { $0 + $1.points }
    }

    /// Each lab's status in a report: the worst thing that happened to its checks.
    package static func labStatus(_ report: GradeReport) -> [String: String] {
        var status: [String: String] = [:]
        for lab in report.labs {
            let checks = report.results.filter { $0.exercise.lab == lab }.map(\.status)
            let key = String(format: "%02d", lab)
            if checks.isEmpty || checks.allSatisfy({ $0 == .compileError }) {
                status[key] =
                    report.notes.contains { $0.contains("no .swift file in Lab\(key)") }
                    ? "not submitted" : "compile error"
            } else if checks.contains(.timedOut) {
                status[key] = "time-out"
            } else if checks.contains(.crashed) || checks.contains(.endedProcess) {
                status[key] = "crash"
            } else if checks.allSatisfy({ $0 == .notImplemented }) {
                status[key] = "not implemented"
            } else {
                status[key] = "ok"
            }
        }
        return status
    }

    package static func load(_ path: String) -> GradeRecord? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(GradeRecord.self, from: data)
    }

    package func save(in folder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(try encoder.encode(self), to: "\(folder)/\(Self.fileName)")
    }

    /// gradebook.csv from every record under `out`: a first row of the points available, then
    /// one row per student sorted by folder — the exercises, each lab's subtotal and status,
    /// the total. A student graded again for some labs only keeps the other labs' scores.
    package static func gradebook(out: String, exercises: [Exercise]) -> String {
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).sorted()
        let byLab = Dictionary(grouping: exercises) { String(format: "%02d", $0.lab) }
        let labs = byLab.keys.sorted()
        var rows = [
            "student,folder," + exercises.map(\.id).joined(separator: ",") + ","
                + labs.map { "lab\($0)" }.joined(separator: ",")
                + ",total,max," + labs.map { "lab\($0) status" }.joined(separator: ",") + ",summary"
        ]
        let points = labs.map { lab in byLab[lab]!.reduce(0) { $0 + $1.points } }
        rows.append(
            (["(max points)", "(max points)"] + exercises.map { String(format: "%g", $0.points) }
                + points.map { String(format: "%g", $0) }
                + [String(format: "%g", points.reduce(0, +)), String(format: "%g", points.reduce(0, +))]
                + labs.map { _ in "" } + [""]).joined(separator: ","))
        for folder in folders {
            guard let record = load("\(out)/\(folder)/\(fileName)") else { continue }
            let subtotals = labs.map { lab in byLab[lab]!.reduce(0) { $0 + (record.scores[$1.id] ?? 0) } }
            rows.append(
                ([csvField(record.student), csvField(record.folder)]
                    + exercises.map { String(format: "%g", record.scores[$0.id] ?? 0) }
                    + subtotals.map { String(format: "%g", $0) }
                    + [String(format: "%g", record.total), String(format: "%g", record.maxScore)]
                    + labs.map { csvField(record.labStatus?[$0] ?? "") } + [csvField(record.summary)]).joined(
                        separator: ","))
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
/// A file in the output folder that grade did not write (or that changed since it did).
package struct NotGradesFile: Error, CustomStringConvertible {
    package let path: String
    package init(path: String) { self.path = path }
    package var description: String {
        "\(path) exists and is not a file grade wrote (or it was changed since): grade replaces only its own files. "
            + "Move it away or choose another --out; nothing was written."
    }
}

/// Writes a file of grade's output whole (a temporary file renamed over it), and lists it in the
/// folder's manifest; a file at `path` that grade did not write is never replaced.
package func writeAtomically(_ data: Data, to path: String) throws {
    let folder = (path as NSString).deletingLastPathComponent, name = (path as NSString).lastPathComponent
    guard OutputManifest.mayReplace(name, in: folder) else { throw NotGradesFile(path: path) }
    let temporary = path + ".tmp-\(getpid())"
    guard FileManager.default.createFile(atPath: temporary, contents: data) else {
        throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
    }
    var manifest = OutputManifest.read(in: folder) ?? [:]
    manifest[name] = (manifest[name] ?? []).union([OutputManifest.hash(of: data)])
    try OutputManifest.write(manifest, in: folder)  // listed before it is in place
    guard rename(temporary, path) == 0 else {
        unlink(temporary)
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
    }
    manifest[name] = [OutputManifest.hash(of: data)]
    try OutputManifest.write(manifest, in: folder)
}

/// A fingerprint of the kit's grading inputs (checks, stubs, core, package), so that
/// resuming never reuses a grade made by other checks.
package func kitFingerprint(root: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    let fm = FileManager.default
    for top in ["Package.swift", "Labs", "Sources", "Tests/Graded", "Tests/Hidden"] {
        let path = "\(root)/\(top)"
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
        let files =
            isDirectory.boolValue ? ((fm.subpaths(atPath: path) ?? []).sorted().map { "\(path)/\($0)" }) : [path]
        for file in files {
            guard let data = fm.contents(atPath: file) else { continue }
            hash = fnv1a(data, seed: fnv1a(Array(file.dropFirst(root.count).utf8), seed: hash))
        }
    }
    return String(hash, radix: 16)
}
