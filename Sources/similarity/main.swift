// The similarity report of a class (instructor-only; not in the student release):
//
//   swift run similarity --submissions DIR --out OUT     # OUT/similarity.md and OUT/similarity.html
//
// DIR holds one folder per student, as `grade-class --submissions` reads it. Pairs of students
// are ranked by how much of their own exercise code they share (LabSimilarity), lab by lab and
// overall, with the matched lines side by side.
import ArgumentParser
import Foundation
import LabKit
import LabRegistry
import LabSimilarity

struct Similarity: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rank pairs of a class's submissions by the exercise code they share.")

    @Option(help: "The class: one folder per student, each with its Labs/ (as for grade-class).")
    var submissions: String
    @Option(help: "The folder to write similarity.md and similarity.html into (created if needed).")
    var out = "out/similarity"
    @Option(help: "Compare only these labs, e.g. 3,7 (default: all).")
    var labs: String?
    @Flag(help: "No progress display.")
    var quiet = false

    func run() throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: submissions, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("--submissions \(submissions): no such folder")
        }
        if FileManager.default.fileExists(atPath: out, isDirectory: &isFolder), !isFolder.boolValue {
            throw ValidationError("--out \(out): a file is there, not a folder")
        }
        var registry = LabRegistry.kit
        if let labs {
            let chosen = labs.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !chosen.isEmpty, chosen.allSatisfy(registry.numbers.contains) else {
                throw ValidationError(
                    "--labs takes lab numbers among \(registry.numbers.map(String.init).joined(separator: ","))")
            }
            registry.labs = registry.labs.filter { chosen.contains($0.number) }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        var stubs: [Int: String] = [:]
        for lab in registry.labs {
            stubs[lab.number] = try? String(
                contentsOfFile: "\(root)/Labs/\(lab.folder)/\(lab.exerciseFile)", encoding: .utf8)
        }

        let started = Date()
        let display = ProgressDisplay.shared
        display.start(
            "similarity",
            plan: [
                PlannedWork("reading the submissions", weight: 0.5), PlannedWork("comparing", weight: 0.4),
                PlannedWork("writing the report", weight: 0.1),
            ], quiet: quiet)
        let classSubmissions = try ClassSubmissions(folder: submissions, registry: registry) {
            display.update("reading the submissions", fraction: $0)
        }
        display.finish("reading the submissions")
        guard classSubmissions.students.count >= 2 else {
            display.end()
            throw ValidationError("--submissions \(submissions): fewer than two student folders to compare")
        }
        let index = SimilarityIndex(
            documents: classSubmissions.documents, stubs: stubs, students: classSubmissions.students.count
        ) { display.update("comparing", fraction: $0) }
        display.finish("comparing")
        let report = SimilarityReport(index: index, students: classSubmissions.students, registry: registry)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        // Each file whole or not at all (written beside, then renamed); nothing else in OUT is touched.
        try Data(report.markdown.utf8).write(to: URL(fileURLWithPath: "\(out)/similarity.md"), options: .atomic)
        try Data(report.html.utf8).write(to: URL(fileURLWithPath: "\(out)/similarity.html"), options: .atomic)
        display.finish("writing the report")
        display.end()
        for note in classSubmissions.notes { display.write("note: \(note)\n", to: .standardError) }
        if classSubmissions.documents.isEmpty {
            display.write(
                "note: no submission has a lab file (Labs/LabNN/*.swift) of the labs compared\n", to: .standardError)
        }
        let top = index.pairs.first.map {
            "; the closest pair: \(classSubmissions.students[$0.first]) and \(classSubmissions.students[$0.second]), "
                + String(format: "%.0f %%", 100 * $0.score)
        }
        print(
            "Compared \(classSubmissions.students.count) submissions "
                + "(\(classSubmissions.documents.count) lab files) in "
                + String(format: "%.1f s", Date().timeIntervalSince(started)) + (top ?? "; no pair shares code")
                + ".\nWrote \(out)/similarity.md and \(out)/similarity.html.")
    }
}

Similarity.main()
