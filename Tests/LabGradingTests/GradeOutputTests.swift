import Foundation
import LabData
import LabRegistry
import XCTest

@testable import LabGrading

/// grade writes only its own files: a file it did not write (or that changed since) is never
/// replaced, and its own files are replaced run after run.
final class GradeOutputTests: XCTestCase {
    func testGradeReplacesOnlyItsOwnFiles() throws {
        let folder = NSTemporaryDirectory() + "grade-output-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeAtomically(Data("first".utf8), to: "\(folder)/results.json")
        try writeAtomically(Data("second".utf8), to: "\(folder)/results.json")
        XCTAssertEqual(try String(contentsOfFile: "\(folder)/results.json", encoding: .utf8), "second")

        try "the user's".write(toFile: "\(folder)/feedback.md", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try writeAtomically(Data("grade's".utf8), to: "\(folder)/feedback.md")) { error in
            XCTAssertTrue("\(error)".contains("feedback.md"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: "\(folder)/feedback.md", encoding: .utf8), "the user's")

        try "edited by hand".write(toFile: "\(folder)/results.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try writeAtomically(Data("third".utf8), to: "\(folder)/results.json"))
        XCTAssertEqual(try String(contentsOfFile: "\(folder)/results.json", encoding: .utf8), "edited by hand")
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: folder).sorted(),
            [".labkit-manifest", "feedback.md", "results.json"])
    }
}

/// Feedback stays valid Markdown whatever a check's message or a note holds.
final class FeedbackMarkdownTests: XCTestCase {
    func testHostileMessagesStayInsideTheirBlocks() {
        let exercise = LabRegistry.kit.exercises.first { $0.id == "2.1" }!
        let messages = [
            "norm |x| = 3", "```\n# Full marks\n```", "````\n", "a\nb\r\nc", "<img src=x onerror=alert(1)>",
        ]
        let results = messages.enumerated().map { i, message in
            CheckResult(
                name: "Lab02Checks.test_2_1_\(i)", exercise: exercise, status: .failed, score: 0, maxScore: 0.4,
                feedback: message)
        }
        let report = GradeReport(results: results, labs: [2], notes: ["compile error\n```\n## injected"], sandbox: "")
        let markdown = report.feedbackMarkdown(student: "ann | `x`")
        var blocks: [String] = [], current: [String]?, fence = 0
        var headings: [String] = []
        for line in markdown.components(separatedBy: "\n") {
            let ticks = line.prefix { $0 == "`" }.count
            if current == nil {
                if ticks >= 3 { current = []; fence = ticks } else if line.hasPrefix("#") { headings.append(line) }
            } else if ticks >= fence && line.allSatisfy({ $0 == "`" }) {
                blocks.append(current!.joined(separator: "\n")); current = nil
            } else {
                current!.append(line)
            }
        }
        XCTAssertNil(current, "every block closes")
        for message in messages {
            XCTAssertTrue(
                blocks.contains(message.hasSuffix("\n") ? String(message.dropLast()) : message),
                "the message is one block, verbatim: \(message.debugDescription)")
        }
        XCTAssertTrue(blocks.contains("```\n## injected"), "the note's rest is a block")
        XCTAssertEqual(headings.count, 1 + messages.count, "only the kit's headings: \(headings)")
        XCTAssertFalse(headings.contains { $0.contains("Full marks") || $0.contains("injected") })
    }
}
