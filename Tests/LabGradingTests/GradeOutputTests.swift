import Foundation
import LabData
import LabGrading
import XCTest

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
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), [".labkit-manifest", "feedback.md", "results.json"])
    }
}
