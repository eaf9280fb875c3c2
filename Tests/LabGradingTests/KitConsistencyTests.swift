import Foundation
import XCTest
@testable import LabGrading

/// The kit's own consistency: Labs/ and Solutions/ agree on the API, every graded check
/// belongs to an exercise in the point table, and every exercise has checks and mutants.
final class KitConsistencyTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The public declarations of a folder of Swift files: each `public …` line up to its
    /// opening brace, whitespace-normalised.
    func publicAPI(_ folder: String) throws -> [String: Set<String>] {
        var api: [String: Set<String>] = [:]
        let fm = FileManager.default
        for lab in try fm.contentsOfDirectory(atPath: folder).filter({ $0.hasPrefix("Lab") && !$0.hasSuffix(".md") }) {
            for file in try fm.contentsOfDirectory(atPath: "\(folder)/\(lab)").filter({ $0.hasSuffix(".swift") }) {
                let text = try String(contentsOfFile: "\(folder)/\(lab)/\(file)", encoding: .utf8)
                let declarations = text.components(separatedBy: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("public ") }
                    .map { line in
                        let head = line.split(separator: "{", maxSplits: 1).first.map(String.init) ?? line
                        return head.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                    }
                api["\(lab)/\(file)", default: []].formUnion(declarations)
            }
        }
        return api
    }

    override func setUpWithError() throws {
        guard FileManager.default.fileExists(atPath: "\(Self.root)/Solutions") else {
            throw XCTSkip("the student release has no Solutions/: these checks are for the instructor kit")
        }
    }

    func testLabsAndSolutionsDeclareTheSameAPI() throws {
        let labs = try publicAPI("\(Self.root)/Labs"), solutions = try publicAPI("\(Self.root)/Solutions")
        XCTAssertEqual(Set(labs.keys), Set(solutions.keys), "Labs/ and Solutions/ should have the same files")
        for (file, declarations) in labs {
            let reference = solutions[file] ?? []
            XCTAssertEqual(declarations.subtracting(reference), [], "\(file): declared in Labs/ but not in Solutions/")
            XCTAssertEqual(reference.subtracting(declarations), [], "\(file): declared in Solutions/ but not in Labs/")
        }
    }

    func testEveryGradedCheckBelongsToAnExerciseAndEveryExerciseHasChecksAndMutants() throws {
        let fm = FileManager.default
        var checks: [String] = []
        for graded in ["\(Self.root)/Tests/Graded", "\(Self.root)/Tests/Hidden"] where fm.fileExists(atPath: graded) {
          for folder in try fm.contentsOfDirectory(atPath: graded) {
            for file in try fm.contentsOfDirectory(atPath: "\(graded)/\(folder)") where file.hasSuffix(".swift") {
                let text = try String(contentsOfFile: "\(graded)/\(folder)/\(file)", encoding: .utf8)
                checks += text.components(separatedBy: "\n").compactMap { line -> String? in
                    guard let range = line.range(of: "func test") else { return nil }
                    return "test" + String(line[range.upperBound...].prefix { $0 != "(" })
                }
            }
          }
        }
        for check in checks {
            XCTAssertNotNil(PointTable.exercise(forTest: check), "\(check) matches no exercise in PointTable (name it test_L_E_…)")
        }
        let mutants = try SourceEdit.load(from: "\(Self.root)/Tests/Mutants")
        for exercise in PointTable.exercises {
            XCTAssertTrue(checks.contains { $0.hasPrefix(exercise.testPrefix) }, "exercise \(exercise.id) has no graded check")
            XCTAssertTrue(mutants.contains { $0.exercise == exercise.id }, "exercise \(exercise.id) has no mutant in Tests/Mutants")
        }
    }

    /// Every lab has at least 15 typical mistakes and 4 correct alternatives, and each edit
    /// still applies to Solutions/ (`grade --mutants` / `--alternatives` grade them).
    func testEveryLabHasMutantsAndAlternativesThatApply() throws {
        let mutants = try SourceEdit.load(from: "\(Self.root)/Tests/Mutants")
        let alternatives = try SourceEdit.load(from: "\(Self.root)/Tests/Alternatives")
        for lab in PointTable.labs {
            XCTAssertGreaterThanOrEqual(mutants.filter { $0.lab == lab }.count, 15, "lab \(lab) needs at least 15 mutants")
            XCTAssertGreaterThanOrEqual(alternatives.filter { $0.lab == lab }.count, 4, "lab \(lab) needs at least 4 correct alternatives")
        }
        for edit in mutants + alternatives {
            let source = try String(contentsOfFile: "\(Self.root)/Solutions/\(edit.file)", encoding: .utf8)
            XCTAssertTrue(source.contains(edit.find), "\(edit.exercise) \(edit.what): its text is no longer in Solutions/\(edit.file)")
            XCTAssertNotNil(PointTable.exercises.first { $0.id == edit.exercise }, "\(edit.exercise) \(edit.what): unknown exercise")
        }
    }

    func testStubsThrowNotImplementedAndSolutionsDoNot() throws {
        for file in try FileManager.default.subpathsOfDirectory(atPath: "\(Self.root)/Solutions") where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: "\(Self.root)/Solutions/\(file)", encoding: .utf8)
            XCTAssertFalse(text.contains("NotImplemented("), "Solutions/\(file) still has a stub")
        }
        for file in try FileManager.default.subpathsOfDirectory(atPath: "\(Self.root)/Labs") where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: "\(Self.root)/Labs/\(file)", encoding: .utf8)
            let functions = text.components(separatedBy: "\n").filter { $0.hasPrefix("public func ") }.count
            let stubs = text.components(separatedBy: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("throw NotImplemented(") }.count
            XCTAssertEqual(functions, stubs, "every exercise function in Labs/\(file) should be a stub")
        }
    }
}

/// The graded checks' own safety rules.
final class GradedCheckRulesTests: XCTestCase {
    /// Every graded and hidden check file: its classes inherit `GradedTestCase` (the only way a
    /// check can report a pass to the grader), and it imports the exercise module only
    /// function by function (`import func Lab02Exercises.meanActivations`). A whole-module
    /// import would let a submission's public declarations — a more specific `expectClose`,
    /// `checkGradients` or `XCTFail` — take the place of the kit's in the check's code.
    func testCheckFilesUseTheVerdictBaseClassAndScopedImports() throws {
        let root = KitConsistencyTests.root, fm = FileManager.default
        var files = 0
        for folder in ["Tests/Graded", "Tests/Hidden"] where fm.fileExists(atPath: "\(root)/\(folder)") {
            for file in fm.subpaths(atPath: "\(root)/\(folder)") ?? [] where file.hasSuffix(".swift") {
                files += 1
                let text = try String(contentsOfFile: "\(root)/\(folder)/\(file)", encoding: .utf8)
                for line in text.components(separatedBy: "\n") {
                    let words = line.split(separator: " ")
                    if words.count == 2, words[0] == "import", words[1].range(of: #"^Lab[0-9]+Exercises$"#, options: .regularExpression) != nil {
                        XCTFail("\(folder)/\(file): `\(line)` imports the whole exercise module; import its functions one by one")
                    }
                    if line.contains("class "), line.contains(": XCTestCase") {
                        XCTFail("\(folder)/\(file): `\(line)` — graded check classes inherit GradedTestCase")
                    }
                }
            }
        }
        XCTAssertGreaterThan(files, 5)
    }
}
