import LabKit
import XCTest

final class NotImplementedTests: XCTestCase {
    /// The message names the file as the student knows it, wherever it was compiled from.
    func testTheFileIsNamedFromTheKitsRoot() {
        func file(_ path: String) -> String { NotImplemented(exercise: "1.2", function: "f", file: path).file }
        XCTAssertEqual(file("/home/ann/kit/Labs/Lab01/Lab01PCA.swift"), "Labs/Lab01/Lab01PCA.swift")
        XCTAssertEqual(
            file("/home/ann/kit/.build-grade/submission/Lab01/Lab01PCA.swift"), "Labs/Lab01/Lab01PCA.swift",
            "the grader's copy of the student's Labs/")
        XCTAssertEqual(file("elsewhere.swift"), "elsewhere.swift")
    }
}
