import Foundation
import LabData
import LabRegistry

extension GradeReport {
    /// A score table per lab and exercise, for the terminal.
    package func scoreTable() -> String {
        var lines: [String] = []
        for lab in labs {
            let exercises = LabRegistry.kit.exercises(inLab: lab).filter { e in results.contains { $0.exercise == e } }
            let labScore = exercises.reduce(0) { $0 + score(of: $1) },
                labMax = exercises.reduce(0) { $0 + maxScore(of: $1) }
            lines.append(
                "Lab \(String(format: "%02d", lab))".padding(toLength: 40, withPad: " ", startingAt: 0)
                    + String(format: "%5.1f / %4.1f", labScore, labMax))
            for exercise in exercises {
                let checks = results.filter { $0.exercise == exercise }
                let passed = checks.filter { $0.status == .passed }.count
                let statuses = Set(checks.map(\.status)).subtracting([.passed]).map(\.rawValue).sorted().joined(
                    separator: ", ")
                let label = "  \(exercise.id)  \(exercise.title)".padding(toLength: 40, withPad: " ", startingAt: 0)
                lines.append(
                    label
                        + String(
                            format: "%5.1f / %4.1f   %d/%d checks", score(of: exercise), maxScore(of: exercise), passed,
                            checks.count)
                        + (statuses.isEmpty ? "" : "  (\(statuses))"))
            }
        }
        lines.append(
            "Total".padding(toLength: 40, withPad: " ", startingAt: 0)
                + String(format: "%5.1f / %4.1f", score, maxScore))
        return lines.joined(separator: "\n")
    }

    /// Every failed check with its whole message (hints included), for the terminal; an
    /// exercise that is not implemented yet gets one line.
    package func failureDetails() -> String {
        var blocks: [String] = []
        for exercise in LabRegistry.kit.exercises {
            let failed = results.filter { $0.exercise == exercise && $0.status != .passed }
            guard !failed.isEmpty else { continue }
            if failed.allSatisfy({ $0.feedback.contains("NOT IMPLEMENTED") }) {
                blocks.append("✗ \(exercise.id) \(exercise.title) — not implemented yet")
                continue
            }
            for r in failed {
                blocks.append(
                    "✗ \(exercise.id) \(exercise.title) — \(r.shortName) (\(r.status.rawValue))\n"
                        + r.feedback.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
                        .joined(separator: "\n"))
            }
        }
        return blocks.joined(separator: "\n\n")
    }

    /// Gradescope's results.json: score, per-test name/score/max_score/output/visibility.
    package func gradescopeJSON(executionSeconds: Double) throws -> Data {
        var tests: [[String: Any]] = []
        // Each check's points rounded to thousandths, the last check of an exercise taking the
        // remainder, so the checks of an exercise add up to its points exactly (2/3 + 2/3 + 2/3
        // would otherwise show as 2.001).
        var allotted: [String: Double] = [:],
            remaining = Dictionary(grouping: results, by: \.exercise.id).mapValues(\.count)
        func thousandths(_ r: CheckResult) -> Double {
            remaining[r.exercise.id, default: 1] -= 1
            let share =
                remaining[r.exercise.id]! == 0
                ? ((results.filter { $0.exercise == r.exercise }.reduce(0) { $0 + $1.maxScore }
                    - allotted[r.exercise.id, default: 0]) * 1000).rounded() / 1000
                : (r.maxScore * 1000).rounded() / 1000
            allotted[r.exercise.id, default: 0] += share
            return share
        }
        for r in results {
            let maximum = thousandths(r)
            tests.append([
                "name": "\(r.exercise.id) \(r.exercise.title): \(r.shortName)\(r.isHidden ? " (hidden)" : "")",
                "number": r.exercise.id,
                "score": r.score >= r.maxScore - 1e-12 ? maximum : (r.score * 1000).rounded() / 1000,
                "max_score": maximum,
                "status": r.status == .passed ? "passed" : "failed",
                "output": r.status == .passed
                    ? "passed" : "**\(r.status.rawValue)**\n\n" + Markdown.codeBlock(r.feedback),
                // Hidden checks are shown to students only once the grades are published.
                "visibility": r.isHidden ? "after_published" : "visible",
            ])
        }
        let object: [String: Any] = [
            "score": (score * 1000).rounded() / 1000,
            "execution_time": Int(executionSeconds.rounded()),
            "output": notes.isEmpty
                ? "Graded \(results.count) checks." : notes.map(Self.noteMarkdown).joined(separator: "\n\n"),
            "visibility": "visible",
            "output_format": "md",
            "test_output_format": "md",
            "tests": tests,
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }

    /// A note: its first line as text, the rest (compiler output, file lists) as a code block —
    /// whatever either holds.
    static func noteMarkdown(_ note: String) -> String {
        let parts = note.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        return Markdown.inline(parts[0]) + (parts.count == 2 ? "\n\n" + Markdown.codeBlock(parts[1]) : "")
    }

    /// A readable feedback file: the score table, then what went wrong, check by check.
    package func feedbackMarkdown(student: String) -> String {
        var text = ["# Feedback for \(Markdown.inline(student))", "", Markdown.codeBlock(scoreTable()), ""]
        for note in notes { text += [Self.noteMarkdown(note), ""] }
        for r in results where r.status != .passed {
            text += [
                "## "
                    + Markdown.inline("\(r.exercise.id) \(r.exercise.title) — \(r.shortName) (\(r.status.rawValue))"),
                "",
                Markdown.codeBlock(r.feedback), "",
            ]
        }
        if results.allSatisfy({ $0.status == .passed }) { text.append("Every check passed.") }
        return text.joined(separator: "\n") + "\n"
    }
}
