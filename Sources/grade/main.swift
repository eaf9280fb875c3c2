// Grades exercises with the graded checks, each check sandboxed in its own process.
//
//   swift run grade                          # this checkout's Labs/ (LABKIT_SOLUTIONS=1: Solutions/)
//   swift run grade --labs 1,3               # only some labs
//   swift run grade --submissions DIR        # a whole class: every folder in DIR is a student
//
// Writes results.json (Gradescope format) and feedback.md per student, and gradebook.csv for
// a class, under --out (default out/grade). A class run resumes where a killed one stopped.
#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import LabGrading
import LabNotebook

struct Grade: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grade", abstract: "Grade lab exercises with the graded checks, each check sandboxed.")

    @Option(help: "Labs to grade, e.g. 1,3 (default: all).")
    var labs: String?

    @Option(name: .customLong("labs-dir"), help: "The folder of exercises to grade (default Labs, or Solutions with LABKIT_SOLUTIONS=1).")
    var labsDirectory: String?

    @Option(help: "A folder of submissions: each subfolder is a student holding Labs/ (or a kit checkout).")
    var submissions: String?

    @Option(help: ArgumentHelp("Check that the graded checks catch typical mistakes: grade each mutant of Solutions/ listed in the JSON files of this folder.", valueName: "dir"))
    var mutants: String?

    @Option(help: ArgumentHelp("Check that the graded checks accept correct answers written differently: grade each alternative of Solutions/ listed in the JSON files of this folder; each must score full marks.", valueName: "dir"))
    var alternatives: String?

    @Option(help: "Where results go.")
    var out = "out/grade"

    @Option(help: "Time limit per check, in seconds.")
    var timeout: Double = 120

    @Option(help: "Memory limit per check, in MiB.")
    var memory: UInt64 = 4096

    @Option(name: .customLong("output-limit"), help: "Output kept per check, in KiB (the rest is counted, not stored).")
    var outputLimit = 256

    @Flag(help: "With --submissions: grade every student again, even those already graded.")
    var regrade = false

    @Flag(name: .customLong("no-bubblewrap"), help: "Use the fallback sandbox even where bubblewrap works (to test it).")
    var noBubblewrap = false

    @Option(name: .customLong("scratch-path"), help: "Build folder for grading (kept between runs so the core is compiled once).")
    var scratchPath = ".build-grade"

    func validate() throws {
        guard FileManager.default.fileExists(atPath: "Package.swift") else {
            throw ValidationError("run `swift run grade` from the kit's root folder (where Package.swift is)")
        }
        if let submissions, !FileManager.default.fileExists(atPath: submissions) {
            throw ValidationError("the submissions folder \(submissions) does not exist")
        }
        guard timeout > 0, memory >= 256, outputLimit >= 4 else {
            throw ValidationError("--timeout must be positive, --memory at least 256 (MiB), --output-limit at least 4 (KiB)")
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
        signal(SIGPIPE, SIG_IGN)
        let root = FileManager.default.currentDirectoryPath
        var limits = Sandbox.Limits()
        limits.memoryBytes = memory << 20
        limits.outputBytes = outputLimit * 1024
        // The submission is composed under the scratch folder and SwiftPM takes target paths
        // only inside the package, so the scratch folder must be inside the kit.
        let scratch = URL(fileURLWithPath: absolute(scratchPath, root)).standardizedFileURL.path
        guard scratch.hasPrefix(URL(fileURLWithPath: root).standardizedFileURL.path + "/") else {
            throw ValidationError("--scratch-path must be a folder inside the kit (e.g. .build-grade), got \(scratchPath)")
        }
        if submissions != nil, let reason = Sandbox.detect(limits: limits, disabled: noBubblewrap).refusesClassGrading {
            throw ValidationError(reason)
        }
        try Grader.lockScratch(absolute(scratchPath, root))
        Grader.removeStaleTemporaryFolders()
        let sandbox = Sandbox.detect(limits: limits, disabled: noBubblewrap)
        note(sandbox.description)
        let grader = Grader(kitRoot: root, scratchPath: absolute(scratchPath, root), timeout: timeout, labs: try selectedLabs(), sandbox: sandbox) { line in
            note("  \(line)")
        }
        try Notebook.prepareWritableFolder(out)
        let hidden = ["\(root)/Solutions", "\(root)/Tests/Hidden", "\(root)/Tests/Mutants", "\(root)/Tests/Alternatives", absolute(scratchPath, root), absolute(out, root)] + (submissions.map { [absolute($0, root)] } ?? [])
        sandbox.hide(hidden).forEach(note)
        if let mutants {
            try checkMutants(absolute(mutants, root), root: root, grader: grader)
        } else if let alternatives {
            try checkAlternatives(absolute(alternatives, root), root: root, grader: grader)
        } else if let submissions {
            try gradeClass(absolute(submissions, root), grader: grader, root: root)
        } else {
            let useSolutions = ["1", "true", "yes"].contains(ProcessInfo.processInfo.environment["LABKIT_SOLUTIONS"]?.lowercased() ?? "")
            let folder = labsDirectory ?? (useSolutions ? "Solutions" : "Labs")
            let start = Date()
            let report = grader.grade(labsDirectory: absolute(folder, root))
            print(report.scoreTable())
            for note in report.notes { print("\n" + note) }
            let failures = report.failureDetails()
            if !failures.isEmpty { print("\n" + failures) }
            print("\n" + report.sandbox)
            try writeAtomically(try report.gradescopeJSON(executionSeconds: Date().timeIntervalSince(start)), to: "\(out)/results.json")
            try writeAtomically(Data(report.feedbackMarkdown(student: folder).utf8), to: "\(out)/feedback.md")
            print("\nWrote \(out)/results.json and \(out)/feedback.md")
        }
    }

    func gradeClass(_ folder: String, grader: Grader, root: String) throws {
        let classFolder = RawPath(folder)
        var students: [[UInt8]] = []
        for name in classFolder.entries() where name.first != UInt8(ascii: ".") {
            switch classFolder.appending(name).kind() {
            case S_IFDIR: students.append(name)
            case S_IFLNK: note("skipped \(sanitisedName(name)): a symbolic link, not a folder")
            default: note("skipped \(sanitisedName(name)): not a folder")
            }
        }
        guard !students.isEmpty else { throw ValidationError("no student folders in \(folder)") }
        let exercises = PointTable.exercises.filter { grader.labs.contains($0.lab) }
        let kit = kitFingerprint(root: root)
        let classStart = Date()
        var graded = 0, resumed = 0
        for (i, raw) in students.enumerated() {
            let student = String(decoding: raw, as: UTF8.self), safe = sanitisedName(raw)
            let studentOut = "\(out)/\(safe)"
            // The fingerprint of what would be graded: skip a student whose grade is current.
            let probe = "\(grader.scratchPath)/fingerprint"
            try? FileManager.default.removeItem(atPath: probe)
            let submission = String(SubmissionCopy.make(from: classFolder.appending(raw), into: probe, labs: PointTable.labs).fingerprint, radix: 16)
            if !regrade, let record = GradeRecord.load("\(studentOut)/\(GradeRecord.fileName)"),
               record.submission == submission, record.kit == kit {
                resumed += 1
                print(String(format: "%-28@ %6.1f / %5.1f   (already graded; --regrade to grade again)", safe, record.total, record.maxScore))
                fflush(nil)
                continue
            }
            note("[\(i + 1)/\(students.count)] \(safe)")
            let start = Date()
            let report = grader.grade(submission: classFolder.appending(raw))
            let seconds = Date().timeIntervalSince(start)
            try Notebook.prepareWritableFolder(studentOut)
            try writeAtomically(try report.gradescopeJSON(executionSeconds: seconds), to: "\(studentOut)/results.json")
            try writeAtomically(Data(report.feedbackMarkdown(student: student).utf8), to: "\(studentOut)/feedback.md")
            let summary = report.notes.map { $0.split(separator: "\n").first.map(String.init) ?? "" }.joined(separator: "; ")
            var record = GradeRecord(student: student, folder: safe, submission: submission, kit: kit,
                                     scores: Dictionary(uniqueKeysWithValues: exercises.map { ($0.id, report.score(of: $0)) }),
                                     total: report.score, maxScore: report.maxScore, summary: summary,
                                     labStatus: GradeRecord.labStatus(report))
            // Grading some labs again keeps the other labs' scores from the earlier record.
            if let earlier = GradeRecord.load("\(studentOut)/\(GradeRecord.fileName)") { record.merge(keepingFrom: earlier, labs: grader.labs) }
            try record.save(in: studentOut)
            try writeAtomically(Data(GradeRecord.gradebook(out: out, exercises: PointTable.exercises).utf8), to: "\(out)/gradebook.csv")
            graded += 1
            print(String(format: "%-28@ %6.1f / %5.1f   (%.0f s)%@", safe, report.score, report.maxScore, seconds, summary.isEmpty ? "" : "  — " + summary))
            fflush(nil)
        }
        try writeAtomically(Data(GradeRecord.gradebook(out: out, exercises: PointTable.exercises).utf8), to: "\(out)/gradebook.csv")
        print(String(format: "\nGraded %d submissions (%d already graded) in %.0f s. Wrote %@/gradebook.csv and a folder per student.",
                     graded, resumed, Date().timeIntervalSince(classStart), out))
    }

    /// Grades one edited copy of the solutions (a mutant or an alternative) on its own lab.
    /// Throws when the edit no longer applies, or when the kit or the edited lab does not
    /// compile: a mistake "caught" by a compile error would prove nothing about the checks.
    func gradeEdited(_ edit: SourceEdit, root: String, grader: Grader) throws -> GradeReport {
        let copy = "\(grader.scratchPath)/edited"
        try edit.apply(solutions: "\(root)/Solutions", destination: copy)
        let labGrader = Grader(kitRoot: grader.kitRoot, scratchPath: grader.scratchPath, timeout: grader.timeout, labs: [edit.lab],
                               sandbox: grader.sandbox, log: { _ in })
        let report = labGrader.grade(labsDirectory: copy)
        let notGradable = report.notes.first { $0.hasPrefix("The exercise process did not build") || $0.contains(" scores 0:") }
        if let failure = notGradable {
            throw ValidationError("\(edit.exercise) \(edit.what): the edited solutions are not gradable:\n\(failure)")
        }
        return report
    }

    /// Grades every mutant of the solutions; each must lose points on its own exercise.
    func checkMutants(_ folder: String, root: String, grader: Grader) throws {
        let all = try SourceEdit.load(from: folder).filter { grader.labs.contains($0.lab) }
        var survivors: [String] = []
        let start = Date()
        for (i, mutant) in all.enumerated() {
            let report = try gradeEdited(mutant, root: root, grader: grader)
            guard let exercise = PointTable.exercises.first(where: { $0.id == mutant.exercise }) else {
                throw ValidationError("mutant \(mutant.what): unknown exercise \(mutant.exercise)")
            }
            let score = report.score(of: exercise)
            let caught = score < exercise.points - 1e-9
            if !caught { survivors.append("\(mutant.exercise) \(mutant.what)") }
            let caughtBy = report.results.filter { $0.exercise == exercise && $0.status != .passed }.map(\.shortName).joined(separator: ", ")
            print("[\(i + 1)/\(all.count)] \(mutant.exercise) \(mutant.what): \(caught ? "caught" : "NOT CAUGHT") — \(String(format: "%.2f", score))/\(String(format: "%g", exercise.points))\(caught ? " (by \(caughtBy))" : "")")
            fflush(nil)
        }
        print(String(format: "\n%d of %d mutants caught in %.0f s.", all.count - survivors.count, all.count, Date().timeIntervalSince(start)))
        if !survivors.isEmpty {
            throw ValidationError("these mistakes pass the graded checks:\n  " + survivors.joined(separator: "\n  "))
        }
    }

    /// Grades every correct alternative of the solutions; each must keep full marks on its whole lab.
    func checkAlternatives(_ folder: String, root: String, grader: Grader) throws {
        let all = try SourceEdit.load(from: folder).filter { grader.labs.contains($0.lab) }
        var rejected: [String] = []
        let start = Date()
        for (i, alternative) in all.enumerated() {
            let report = try gradeEdited(alternative, root: root, grader: grader)
            let failures = report.results.filter { $0.status != .passed }
            let full = failures.isEmpty && Swift.abs(report.score - report.maxScore) < 1e-9
            if !full {
                rejected.append("\(alternative.exercise) \(alternative.what): failed \(failures.map(\.shortName).joined(separator: ", "))\n"
                                + failures.map { "    " + $0.feedback.replacingOccurrences(of: "\n", with: "\n    ") }.joined(separator: "\n"))
            }
            print("[\(i + 1)/\(all.count)] \(alternative.exercise) \(alternative.what): \(full ? "full marks" : "REJECTED") — \(String(format: "%.2f", report.score))/\(String(format: "%g", report.maxScore))")
            fflush(nil)
        }
        print(String(format: "\n%d of %d correct alternatives get full marks in %.0f s.", all.count - rejected.count, all.count, Date().timeIntervalSince(start)))
        if !rejected.isEmpty {
            throw ValidationError("these correct answers lose points:\n  " + rejected.joined(separator: "\n  "))
        }
    }

    func note(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    func absolute(_ path: String, _ root: String) -> String { path.hasPrefix("/") ? path : "\(root)/\(path)" }
}

Grade.main()
