import ArgumentParser
import Foundation
import GradeCommandLine
import LabData
import LabGrading
import LabKit
import LabNotebook
import LabRegistry

// The instructor's grading: a whole class, and the checks' own tests — mutants of the reference
// solutions that the checks must catch, and correct alternatives that must get full marks.
//
//   swift run grade-class --submissions DIR        # every folder in DIR is a student
//   swift run grade-class --mutants Tests/Mutants  # every typical mistake loses points
//   swift run grade-class --alternatives Tests/Alternatives
//
// A class run writes results.json, feedback.md and grade.json per student and gradebook.csv
// under --out, and resumes where a killed one stopped. Not in the student release.
#if canImport(Glibc)
    import Glibc
#endif

struct GradeClass: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grade-class", abstract: "Grade a class, or test the graded checks with mutants and alternatives.")

    @OptionGroup var options: GraderOptions

    @Option(help: "A folder of submissions: each subfolder is a student holding Labs/ (or a kit checkout).")
    var submissions: String?

    @Option(
        help: ArgumentHelp(
            "Check that the graded checks catch typical mistakes: grade each mutant of Solutions/ listed in the JSON files of this folder.",
            valueName: "dir"))
    var mutants: String?

    @Option(
        help: ArgumentHelp(
            "Check that the graded checks accept correct answers written differently: grade each alternative of Solutions/ listed in the JSON files of this folder; each must score full marks.",
            valueName: "dir"))
    var alternatives: String?

    @Flag(help: "With --submissions: grade every student again, even those already graded.")
    var regrade = false

    var out: String { options.out }

    func validate() throws {
        guard [submissions, mutants, alternatives].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give one of --submissions DIR, --mutants DIR or --alternatives DIR")
        }
        if let submissions, !FileManager.default.fileExists(atPath: submissions) {
            throw ValidationError("the submissions folder \(submissions) does not exist")
        }
    }

    func run() throws {
        let root = options.root
        let sandbox = try options.sandbox(refusingWeakSandbox: submissions != nil)
        let grader = options.grader(sandbox: sandbox, labs: try options.selectedLabs())
        try options.claimOutputs(submissions == nil ? [] : ["gradebook.csv"])
        options.hide(from: sandbox, extra: submissions.map { [absolute($0, root)] } ?? [])
        if let mutants {
            try checkMutants(absolute(mutants, root), root: root, grader: grader)
        } else if let alternatives {
            try checkAlternatives(absolute(alternatives, root), root: root, grader: grader)
        } else if let submissions {
            try gradeClass(absolute(submissions, root), grader: grader, root: root)
        }
    }

    func gradeClass(_ folder: String, grader classGrader: Grader, root: String) throws {
        var grader = classGrader
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
        let exercises = LabRegistry.kit.exercises.filter { grader.labs.contains($0.lab) }
        let kit = kitFingerprint(root: root)
        let classStart = Date()
        var graded = 0, resumed = 0
        ProgressDisplay.shared.start("grade-class", plan: students.map { PlannedWork(sanitisedName($0), weight: 1) })
        grader.ownsProgress = false
        for (i, raw) in students.enumerated() {
            let student = String(decoding: raw, as: UTF8.self), safe = sanitisedName(raw)
            let studentOut = "\(out)/\(safe)"
            // The fingerprint of what would be graded: skip a student whose grade is current.
            let probe = "\(grader.scratchPath)/fingerprint"
            try? FileManager.default.removeItem(atPath: probe)
            let submission = String(
                SubmissionCopy.make(from: classFolder.appending(raw), into: probe, labs: LabRegistry.kit.numbers)
                    .fingerprint,
                radix: 16)
            if !regrade, let record = GradeRecord.load("\(studentOut)/\(GradeRecord.fileName)"),
                record.submission == submission, record.kit == kit
            {
                resumed += 1
                ProgressDisplay.shared.skip(safe)
                say(
                    String(
                        format: "%-28@ %6.1f / %5.1f   (already graded; --regrade to grade again)", safe, record.total,
                        record.maxScore))
                continue
            }
            note("[\(i + 1)/\(students.count)] \(safe)")
            ProgressDisplay.shared.update(safe, fraction: 0)
            let start = Date()
            let report = grader.grade(submission: classFolder.appending(raw))
            let seconds = Date().timeIntervalSince(start)
            try Notebook.prepareWritableFolder(studentOut)
            try writeAtomically(try report.gradescopeJSON(executionSeconds: seconds), to: "\(studentOut)/results.json")
            try writeAtomically(Data(report.feedbackMarkdown(student: student).utf8), to: "\(studentOut)/feedback.md")
            let summary = report.notes.map { $0.split(separator: "\n").first.map(String.init) ?? "" }.joined(
                separator: "; ")
            var record = GradeRecord(
                student: student, folder: safe, submission: submission, kit: kit,
                scores: Dictionary(uniqueKeysWithValues: exercises.map { ($0.id, report.score(of: $0)) }),
                total: report.score, maxScore: report.maxScore, summary: summary,
                labStatus: GradeRecord.labStatus(report))
            // Grading some labs again keeps the other labs' scores from the earlier record.
            if let earlier = GradeRecord.load("\(studentOut)/\(GradeRecord.fileName)") {
                record.merge(keepingFrom: earlier, labs: grader.labs)
            }
            try record.save(in: studentOut)
            try writeAtomically(
                Data(GradeRecord.gradebook(out: out, exercises: LabRegistry.kit.exercises).utf8),
                to: "\(out)/gradebook.csv")
            graded += 1
            ProgressDisplay.shared.finish(safe)
            say(
                String(
                    format: "%-28@ %6.1f / %5.1f   (%.0f s)%@", safe, report.score, report.maxScore, seconds,
                    summary.isEmpty ? "" : "  — " + summary))
        }
        ProgressDisplay.shared.end()
        try writeAtomically(
            Data(GradeRecord.gradebook(out: out, exercises: LabRegistry.kit.exercises).utf8), to: "\(out)/gradebook.csv"
        )
        print(
            String(
                format:
                    "\nGraded %d submissions (%d already graded) in %.0f s. Wrote %@/gradebook.csv and a folder per student.",
                graded, resumed, Date().timeIntervalSince(classStart), out))
    }

    /// Grades a round of edited copies of the solutions (mutants or alternatives, at most one
    /// per lab) in one build, and gives each edit its own lab's results — or why it could not
    /// be graded: the edit no longer applies, or its lab or the kit does not compile (a mistake
    /// "caught" by a compile error would prove nothing about the checks).
    func gradeRound(
        _ edits: [SourceEdit], root: String, grader: Grader,
        judgedOnItsExercise: Bool
    ) -> [Result<GradeReport, ValidationError>] {
        let copy = "\(grader.scratchPath)/edited"
        try? FileManager.default.removeItem(atPath: copy)
        do {
            try FileManager.default.copyItem(atPath: "\(root)/Solutions", toPath: copy)
        } catch {
            return edits.map { _ in .failure(ValidationError("could not copy Solutions/: \(error)")) }
        }
        var applied: [SourceEdit] = [], outcomes: [Int: ValidationError] = [:]
        for (i, edit) in edits.enumerated() {
            do { try edit.apply(in: copy); applied.append(edit) } catch { outcomes[i] = ValidationError("\(error)") }
        }
        // A mutant is judged on its own exercise (only those checks run); an alternative on its
        // whole lab (another exercise's checks may call the edited function).
        var roundGrader = Grader(
            kitRoot: grader.kitRoot, scratchPath: grader.scratchPath, timeout: grader.timeout,
            labs: applied.map(\.lab).sorted(),
            only: judgedOnItsExercise ? Set(applied.map(\.exercise)) : nil,
            sandbox: grader.sandbox, log: { _ in })
        roundGrader.ownsProgress = false
        let report = applied.isEmpty ? nil : roundGrader.grade(labsDirectory: copy)
        let wholeBuild = report?.notes.first {
            $0.hasPrefix("The exercise process did not build") || $0.hasPrefix("The graded checks could not be built")
        }
        return edits.enumerated().map { i, edit in
            if let failure = outcomes[i] { return .failure(failure) }
            let labNote = report?.notes.first { $0.hasPrefix(String(format: "Lab%02d scores 0:", edit.lab)) }
            if let failure = wholeBuild ?? labNote {
                return .failure(ValidationError("the edited solutions are not gradable:\n\(failure)"))
            }
            guard let report else { return .failure(ValidationError("not graded")) }
            return .success(report.restricted(toLab: edit.lab))
        }
    }

    /// Grades `edits` round by round, printing each as it is judged; returns the problems.
    func gradeEdits(
        _ edits: [SourceEdit], root: String, grader: Grader, judgedOnItsExercise: Bool,
        judge: (SourceEdit, GradeReport) -> (line: String, problem: String?)
    ) -> [String] {
        let position = Dictionary(
            edits.enumerated().map { ("\($0.element.lab)/\($0.element.exercise)/\($0.element.what)", $0.offset) }
        ) { a, _ in a }
        var problems: [String] = [], done = 0
        let rounds = SourceEdit.rounds(edits)
        ProgressDisplay.shared.start(
            "grade-class",
            plan: rounds.indices.map {
                PlannedWork("round \($0 + 1)/\(rounds.count)", weight: Double(rounds[$0].count))
            })
        defer { ProgressDisplay.shared.end() }
        for (r, round) in rounds.enumerated() {
            ProgressDisplay.shared.update("round \(r + 1)/\(rounds.count)", fraction: 0)
            let outcomes = gradeRound(round, root: root, grader: grader, judgedOnItsExercise: judgedOnItsExercise)
            ProgressDisplay.shared.finish("round \(r + 1)/\(rounds.count)")
            for (edit, outcome) in zip(round, outcomes) {
                done += 1
                let index = position["\(edit.lab)/\(edit.exercise)/\(edit.what)"].map { $0 + 1 } ?? done
                switch outcome {
                case .failure(let error):
                    problems.append("\(edit.exercise) \(edit.what): \(error.message)")
                    say(
                        "[\(index)/\(edits.count)] \(edit.exercise) \(edit.what): NOT GRADABLE — \(error.message.split(separator: "\n").first ?? "")"
                    )
                case .success(let report):
                    let (line, problem) = judge(edit, report)
                    if let problem { problems.append(problem) }
                    say("[\(index)/\(edits.count)] \(edit.exercise) \(edit.what): \(line)")
                }
            }
        }
        return problems
    }

    /// Grades every mutant of the solutions; each must lose points on its own exercise.
    func checkMutants(_ folder: String, root: String, grader: Grader) throws {
        let all = try SourceEdit.load(from: folder).filter { grader.labs.contains($0.lab) }
        for mutant in all where !LabRegistry.kit.exercises.contains(where: { $0.id == mutant.exercise }) {
            throw ValidationError("mutant \(mutant.what): unknown exercise \(mutant.exercise)")
        }
        let start = Date()
        let problems = gradeEdits(all, root: root, grader: grader, judgedOnItsExercise: true) { mutant, report in
            let exercise = LabRegistry.kit.exercises.first { $0.id == mutant.exercise }!
            let score = report.score(of: exercise)
            let caught = score < exercise.points - 1e-9
            let caughtBy = report.results.filter { $0.exercise == exercise && $0.status != .passed }.map(\.shortName)
                .joined(separator: ", ")
            let line =
                "\(caught ? "caught" : "NOT CAUGHT") — \(String(format: "%.2f", score))/\(String(format: "%g", exercise.points))\(caught ? " (by \(caughtBy))" : "")"
            return (line, caught ? nil : "\(mutant.exercise) \(mutant.what): passes the graded checks")
        }
        print(
            String(
                format: "\n%d of %d mutants caught in %.0f s.", all.count - problems.count, all.count,
                Date().timeIntervalSince(start)))
        if !problems.isEmpty {
            note("Error: these mistakes are not caught:\n  " + problems.joined(separator: "\n  "))
            throw ExitCode.failure
        }
    }

    /// Grades every correct alternative of the solutions; each must keep full marks on its whole lab.
    func checkAlternatives(_ folder: String, root: String, grader: Grader) throws {
        let all = try SourceEdit.load(from: folder).filter { grader.labs.contains($0.lab) }
        let start = Date()
        let problems = gradeEdits(all, root: root, grader: grader, judgedOnItsExercise: false) { alternative, report in
            let failures = report.results.filter { $0.status != .passed }
            let full = failures.isEmpty && Swift.abs(report.score - report.maxScore) < 1e-9
            let line =
                "\(full ? "full marks" : "REJECTED") — \(String(format: "%.2f", report.score))/\(String(format: "%g", report.maxScore))"
            return (
                line,
                full
                    ? nil
                    : "\(alternative.exercise) \(alternative.what): failed \(failures.map(\.shortName).joined(separator: ", "))\n"
                        + failures.map { "    " + $0.feedback.replacingOccurrences(of: "\n", with: "\n    ") }.joined(
                            separator: "\n")
            )
        }
        print(
            String(
                format: "\n%d of %d correct alternatives get full marks in %.0f s.", all.count - problems.count,
                all.count, Date().timeIntervalSince(start)))
        if !problems.isEmpty {
            note(
                "Error: these correct answers lose points or cannot be graded:\n  " + problems.joined(separator: "\n  ")
            )
            throw ExitCode.failure
        }
    }

    func absolute(_ path: String, _ root: String) -> String { path.hasPrefix("/") ? path : "\(root)/\(path)" }
}

GradeClass.main()
