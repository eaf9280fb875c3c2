// Grades exercises with the graded checks, each check in its own process with a time limit.
//
//   swift run grade                          # this checkout's Labs/ (LABKIT_SOLUTIONS=1: Solutions/)
//   swift run grade --labs 1,3               # only some labs
//   swift run grade --submissions DIR        # a whole class: every folder in DIR is a student
//
// Writes results.json (Gradescope format) and feedback.md per student, and gradebook.csv for
// a class, under --out (default out/grade).
import ArgumentParser
import Foundation
import LabSupport

struct Grade: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grade", abstract: "Grade lab exercises with the graded checks, each check isolated.")

    @Option(help: "Labs to grade, e.g. 1,3 (default: all).")
    var labs: String?

    @Option(name: .customLong("labs-dir"), help: "The folder of exercises to grade (default Labs, or Solutions with LABKIT_SOLUTIONS=1).")
    var labsDirectory: String?

    @Option(help: "A folder of submissions: each subfolder is a student holding Labs/ (or a kit checkout).")
    var submissions: String?

    @Option(help: ArgumentHelp("Check that the graded checks catch typical mistakes: grade each mutant of Solutions/ listed in the JSON files of this folder.", valueName: "dir"))
    var mutants: String?

    @Option(help: "Where results go.")
    var out = "out/grade"

    @Option(help: "Time limit per check, in seconds.")
    var timeout: Double = 120

    @Option(name: .customLong("scratch-path"), help: "Build folder for grading (kept between runs so the core is compiled once).")
    var scratchPath = ".build-grade"

    func validate() throws {
        guard FileManager.default.fileExists(atPath: "Package.swift") else {
            throw ValidationError("run `swift run grade` from the kit's root folder (where Package.swift is)")
        }
        if let submissions, !FileManager.default.fileExists(atPath: submissions) {
            throw ValidationError("the submissions folder \(submissions) does not exist")
        }
        _ = try selectedLabs()
    }

    func selectedLabs() throws -> [Int] {
        guard let labs else { return PointTable.labs }
        let chosen = labs.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !chosen.isEmpty, chosen.allSatisfy(PointTable.labs.contains) else {
            throw ValidationError("--labs takes lab numbers among \(PointTable.labs.map(String.init).joined(separator: ","))")
        }
        return chosen
    }

    func run() throws {
        let root = FileManager.default.currentDirectoryPath
        let grader = Grader(kitRoot: root, scratchPath: absolute(scratchPath, root), timeout: timeout, labs: try selectedLabs()) { line in
            FileHandle.standardError.write("  \(line)\n".data(using: .utf8)!)
        }
        try Notebook.prepareWritableFolder(out)
        if let mutants {
            try checkMutants(absolute(mutants, root), root: root, grader: grader)
        } else if let submissions {
            try gradeClass(absolute(submissions, root), grader: grader)
        } else {
            let useSolutions = ["1", "true", "yes"].contains(ProcessInfo.processInfo.environment["LABKIT_SOLUTIONS"]?.lowercased() ?? "")
            let folder = labsDirectory ?? (useSolutions ? "Solutions" : "Labs")
            let start = Date()
            let report = grader.grade(labsDirectory: absolute(folder, root))
            print(report.scoreTable())
            for note in report.notes { print("\n" + note) }
            try report.gradescopeJSON(executionSeconds: Date().timeIntervalSince(start)).write(to: URL(fileURLWithPath: "\(out)/results.json"))
            try report.feedbackMarkdown(student: folder).write(toFile: "\(out)/feedback.md", atomically: true, encoding: .utf8)
            print("\nWrote \(out)/results.json and \(out)/feedback.md")
        }
    }

    func gradeClass(_ folder: String, grader: Grader) throws {
        let students = try FileManager.default.contentsOfDirectory(atPath: folder).filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: "\(folder)/\(name)", isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted()
        guard !students.isEmpty else { throw ValidationError("no student folders in \(folder)") }
        let exercises = PointTable.exercises.filter { grader.labs.contains($0.lab) }
        var csv = ["student," + exercises.map(\.id).joined(separator: ",") + ",total"]
        let classStart = Date()
        for (i, student) in students.enumerated() {
            let start = Date()
            let base = "\(folder)/\(student)"
            let labsFolder = FileManager.default.fileExists(atPath: "\(base)/Labs") ? "\(base)/Labs" : base
            FileHandle.standardError.write("[\(i + 1)/\(students.count)] \(student)\n".data(using: .utf8)!)
            let report = grader.grade(labsDirectory: labsFolder)
            let seconds = Date().timeIntervalSince(start)
            let studentOut = "\(out)/\(student)"
            try Notebook.prepareWritableFolder(studentOut)
            try report.gradescopeJSON(executionSeconds: seconds).write(to: URL(fileURLWithPath: "\(studentOut)/results.json"))
            try report.feedbackMarkdown(student: student).write(toFile: "\(studentOut)/feedback.md", atomically: true, encoding: .utf8)
            csv.append(([csvField(student)] + exercises.map { String(format: "%g", report.score(of: $0)) } + [String(format: "%g", report.score)]).joined(separator: ","))
            print(String(format: "%-24@ %6.1f / %5.1f   (%.0f s)%@", student, report.score, report.maxScore, seconds,
                         report.notes.isEmpty ? "" : "  — " + report.notes.map { $0.split(separator: "\n").first.map(String.init) ?? "" }.joined(separator: "; ")))
        }
        try (csv.joined(separator: "\n") + "\n").write(toFile: "\(out)/gradebook.csv", atomically: true, encoding: .utf8)
        print(String(format: "\nGraded %d submissions in %.0f s. Wrote %@/gradebook.csv and a folder per student.", students.count, Date().timeIntervalSince(classStart), out))
    }

    /// Grades every mutant of the solutions; each must lose points on its own exercise.
    func checkMutants(_ folder: String, root: String, grader: Grader) throws {
        let all = try Mutant.load(from: folder).filter { grader.labs.contains($0.lab) }
        var survivors: [String] = []
        let start = Date()
        for (i, mutant) in all.enumerated() {
            let copy = "\(grader.scratchPath)/mutant"
            try mutant.apply(solutions: "\(root)/Solutions", destination: copy)
            let labGrader = Grader(kitRoot: grader.kitRoot, scratchPath: grader.scratchPath, timeout: grader.timeout, labs: [mutant.lab], log: { _ in })
            let report = labGrader.grade(labsDirectory: copy)
            guard let exercise = PointTable.exercises.first(where: { $0.id == mutant.exercise }) else {
                throw ValidationError("mutant \(mutant.mistake): unknown exercise \(mutant.exercise)")
            }
            let score = report.score(of: exercise)
            let caught = score < exercise.points - 1e-9
            if !caught { survivors.append("\(mutant.exercise) \(mutant.mistake)") }
            let caughtBy = report.results.filter { $0.exercise == exercise && $0.status != .passed }.map(\.shortName).joined(separator: ", ")
            print("[\(i + 1)/\(all.count)] \(mutant.exercise) \(mutant.mistake): \(caught ? "caught" : "NOT CAUGHT") — \(String(format: "%.2f", score))/\(String(format: "%g", exercise.points))\(caught ? " (by \(caughtBy))" : "")")
        }
        print(String(format: "\n%d of %d mutants caught in %.0f s.", all.count - survivors.count, all.count, Date().timeIntervalSince(start)))
        if !survivors.isEmpty {
            throw ValidationError("these mistakes pass the graded checks:\n  " + survivors.joined(separator: "\n  "))
        }
    }

    func csvField(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
    func absolute(_ path: String, _ root: String) -> String { path.hasPrefix("/") ? path : "\(root)/\(path)" }
}

Grade.main()
