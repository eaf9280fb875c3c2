import ArgumentParser
import Foundation
import GradeCommandLine
import LabData
import LabGrading
import LabKit
// Grades one submission's exercises with the graded checks, each check sandboxed in its own
// process: the student's command, and Gradescope's.
//
//   swift run grade                          # this checkout's Labs/
//   swift run grade --labs 1,3               # only some labs
//   swift run grade --only 3.2               # one exercise (or a check, by its name)
//   swift run grade --labs-dir DIR           # another folder of exercises
//
// Writes results.json (Gradescope format) and feedback.md under --out (default out/grade).
import LabRegistry

struct Grade: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grade", abstract: "Grade lab exercises with the graded checks, each check sandboxed.")

    @OptionGroup var options: GraderOptions

    @Option(
        help: ArgumentHelp(
            "Grade only these exercises or checks, e.g. 3.2 or 3.2,probabilitiesZeroAndOne (their labs are graded alone).",
            valueName: "list"))
    var only: String?

    @Option(name: .customLong("labs-dir"), help: "The folder of exercises to grade (default Labs).")
    var labsDirectory: String?

    /// What `--only` names, as (the labs they are in, the exercises and checks), each known to
    /// exist: exercises by id, checks by the names in Tests/Graded.
    func selectedChecks(root: String) throws -> (labs: [Int], only: Set<String>)? {
        guard let only else { return nil }
        let chosen = Set(
            only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        guard !chosen.isEmpty else { throw ValidationError("--only takes exercises or checks, e.g. 3.2") }
        var labsOfChecks: [String: Int] = [:]
        let graded = "\(root)/Tests/Graded"
        for folder in (try? FileManager.default.contentsOfDirectory(atPath: graded)) ?? [] {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: "\(graded)/\(folder)")) ?? [] {
                let text = (try? String(contentsOfFile: "\(graded)/\(folder)/\(file)", encoding: .utf8)) ?? ""
                for line in text.split(separator: "\n") {
                    guard let range = line.range(of: "func test_") else { continue }
                    let method = String(line[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                    guard let exercise = LabRegistry.kit.exercise(forTest: "test_" + method) else { continue }
                    labsOfChecks["test_" + method] = exercise.lab
                    labsOfChecks[String(("test_" + method).dropFirst(exercise.testPrefix.count))] = exercise.lab
                }
            }
        }
        var labs = Set<Int>()
        for item in chosen {
            if let exercise = LabRegistry.kit.exercises.first(where: { $0.id == item }) {
                labs.insert(exercise.lab)
            } else if let lab = labsOfChecks[item] {
                labs.insert(lab)
            } else {
                throw ValidationError(
                    "--only: \(item) is neither an exercise (like 3.2) nor the name of a graded check")
            }
        }
        return (labs.sorted(), chosen)
    }

    func run() throws {
        let root = options.root
        let sandbox = try options.sandbox(refusingWeakSandbox: false)
        let selection = try selectedChecks(root: root)
        let grader = options.grader(
            sandbox: sandbox, labs: try selection?.labs ?? options.selectedLabs(), only: selection?.only)
        try options.claimOutputs(["results.json", "feedback.md"])
        options.hide(from: sandbox)
        let folder: String = {
            if let labsDirectory { return labsDirectory }
            // instructor-only: begin
            if ["1", "true", "yes"].contains(
                ProcessInfo.processInfo.environment["LABKIT_SOLUTIONS"]?.lowercased() ?? "")
            {
                return "Solutions"
            }
            // instructor-only: end
            return "Labs"
        }()
        let start = Date()
        let report = grader.grade(labsDirectory: options.absolute(folder))
        ProgressDisplay.shared.end()
        print(report.scoreTable())
        for note in report.notes { print("\n" + note) }
        let failures = report.failureDetails()
        if !failures.isEmpty { print("\n" + failures) }
        print("\n" + report.sandbox)
        let out = options.out
        try writeAtomically(
            try report.gradescopeJSON(executionSeconds: Date().timeIntervalSince(start)), to: "\(out)/results.json")
        try writeAtomically(
            Data(report.feedbackMarkdown(student: "the exercises in \(folder)/").utf8), to: "\(out)/feedback.md")
        print("\nWrote \(out)/results.json and \(out)/feedback.md")
    }
}

Grade.main()
