import Foundation
import XCTest

@testable import LabGrading

/// The student release holds what `StudentRelease` allows and nothing that names the
/// instructor's files or tools.
final class StudentReleaseTests: XCTestCase {
    static let root = KitConsistencyTests.root

    /// Every file of the kit, relative to its root (no build folders, no .git).
    func kitFiles() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: Self.root)
        var files: [String] = []
        while let file = enumerator?.nextObject() as? String {
            if file.hasPrefix(".build") || file.hasPrefix(".git/") || file == ".git" || file.hasPrefix("out/")
                || file.hasPrefix(".swiftpm")
            {
                if file.hasPrefix(".build") || file == ".git" || file == "out" || file == ".swiftpm" {
                    enumerator?.skipDescendants()
                }
                continue
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: "\(Self.root)/\(file)", isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                files.append(file)
            }
        }
        return files
    }

    func testTheInstructorsToolsAndFilesStayOut() {
        let released = kitFiles().filter(StudentRelease.includes)
        XCTAssertFalse(released.isEmpty)
        let absent = [
            "Solutions/", "Tests/Hidden/", "Tests/Mutants/", "Tests/Alternatives/", "Tests/LabGradingTests/",
            "Sources/release/", "Sources/figures/", "Sources/figure-gallery/", "Sources/bench/", "Sources/grade-class/",
            "scripts/", ".ci/", "CONTRIBUTING.md", "BENCHMARKS.md", "Sources/LabGrading/SourceEdit.swift",
        ]
        for path in absent {
            XCTAssertFalse(
                released.contains { $0 == path || $0.hasPrefix(path) }, "\(path) must not be in the student release")
        }
        for needed in [
            "Package.swift", "Labs/Lab01/Lab01PCA.swift", "Sources/grade/main.swift",
            "Sources/LabKit/Tensor/Tensor.swift",
            "Tests/Graded/Lab01Checks/Lab01Checks.swift", "Figures/lab01/report.md", ".swift-version",
        ] {
            XCTAssertTrue(released.contains(needed), "\(needed) belongs in the student release")
        }
    }

    func testNoReleasedFileNamesTheInstructorsFilesOrTools() throws {
        var found: [String] = []
        for file in kitFiles() where StudentRelease.includes(file) {
            guard let data = FileManager.default.contents(atPath: "\(Self.root)/\(file)"), !data.contains(0),
                let text = String(data: data, encoding: .utf8)
            else { continue }
            for (number, line) in StudentRelease.text(text).split(separator: "\n", omittingEmptySubsequences: false)
                .enumerated()
            {
                if let word = StudentRelease.forbiddenWords.first(where: { line.contains($0) }) {
                    found.append("\(file):\(number + 1): \(word)")
                }
            }
        }
        XCTAssertEqual(found, [], "lines to mark instructor-only")
    }

    func testInstructorOnlyBlocksAreStrippedAndBalanced() throws {
        XCTAssertEqual(StudentRelease.text("a\n// instructor-only: begin\nsecret\n// instructor-only: end\nb"), "a\nb")
        XCTAssertEqual(StudentRelease.text("<!-- instructor-only: begin -->\nx\n<!-- instructor-only: end -->"), "")
        for file in kitFiles() {
            guard let data = FileManager.default.contents(atPath: "\(Self.root)/\(file)"), !data.contains(0),
                let text = String(data: data, encoding: .utf8)
            else { continue }
            var open = false
            for line in text.split(separator: "\n") {
                if StudentRelease.isMarker(line, "begin") {
                    XCTAssertFalse(open, "\(file): a block opens inside another"); open = true
                }
                if StudentRelease.isMarker(line, "end") {
                    XCTAssertTrue(open, "\(file): an end without a begin"); open = false
                }
            }
            XCTAssertFalse(open, "\(file): a block is never closed")
        }
        let package = StudentRelease.text(try String(contentsOfFile: "\(Self.root)/Package.swift", encoding: .utf8))
        for target in [
            "\"grade-class\"", "\"release\"", "\"figures\"", "\"figure-gallery\"", "\"bench\"", "\"LabGradingTests\"",
        ] {
            XCTAssertFalse(package.contains(target), "the student Package.swift declares no \(target)")
        }
    }
}
