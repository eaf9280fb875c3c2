import Foundation
import XCTest

@testable import LabGrading

/// The release's leak check: solution code is found however it is reformatted, renamed or
/// pasted into another kind of file, and the kit a student reads holds none of it.
final class LeakCheckTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// A made-up "solution" (not one of Solutions/, so this file can ship to students).
    let solution = """
        public func blend(_ values: Tensor, weight w: Float, bias: Float) throws -> Tensor {
            values.map { w * (-bias / $0 + (2 - bias) / (3 - $0)) }
        }
        public func shifted(_ data: Tensor) throws -> (shifted: Tensor, peak: Tensor) {
            let peak = data.max(alongAxis: 1)
            return (data - peak, peak)
        }
        """

    func testRenamedReformattedSingleLineBodyIsFound() {
        let renamed = "let g = r.map {\n  k*(  -q/$0 + (2-q) / (3 - $0) )\n}  // the answer"
        let leaks = LeakCheck.leaks(solutions: ["Lab02.swift": solution], release: ["notes.md": renamed])
        XCTAssertEqual(leaks.map(\.function), ["blend"])
    }

    func testCodeInsideAPythonOrJSONStringIsFound() {
        let script = #"BODY = "    let m = x.max(alongAxis: 1)\n    return (x - m, m)\n""#
        XCTAssertEqual(
            LeakCheck.leaks(solutions: ["Lab01.swift": solution], release: ["scripts/demo.py": script]).map(\.function),
            ["shifted"])
    }

    func testTheSameCallsForAnotherPurposeAreNotALeak() {
        let notebook = "let rowPeaks = train.max(alongAxis: 1).abs().max()\nlet y = (x - x, x)"
        XCTAssertTrue(
            LeakCheck.leaks(solutions: ["Lab01.swift": solution], release: ["Sources/lab01/main.swift": notebook])
                .isEmpty)
    }

    /// What a student sees — stubs, handouts, notebooks, the core, the checks and scripts —
    /// holds no solution body.
    func testTheStudentFacingKitHoldsNoSolutionCode() throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: "\(Self.root)/Solutions") else {
            throw XCTSkip("the student release has no Solutions/ to compare with")
        }
        var solutions: [String: String] = [:]
        for file in try fm.subpathsOfDirectory(atPath: "\(Self.root)/Solutions") where file.hasSuffix(".swift") {
            solutions[file] = try String(contentsOfFile: "\(Self.root)/Solutions/\(file)", encoding: .utf8)
        }
        var release: [String: String] = [:]
        for folder in ["Labs", "Sources", "Tests/Graded", "Tests/LabKitTests", "scripts", "README.md"] {
            let base = "\(Self.root)/\(folder)"
            let files = (try? fm.subpathsOfDirectory(atPath: base))?.map { "\(folder)/\($0)" } ?? [folder]
            for file in files
            where ["swift", "md", "py", "json", "sh"].contains((file as NSString).pathExtension)
                && !["scripts/make_demo_class.py", "scripts/make_attack_class.py"].contains(file)
            {
                release[file] = try? String(contentsOfFile: "\(Self.root)/\(file)", encoding: .utf8)
            }
        }
        let leaks = LeakCheck.leaks(solutions: solutions, release: release)
        XCTAssertTrue(leaks.isEmpty, leaks.map(\.description).joined(separator: "\n"))
    }
}
