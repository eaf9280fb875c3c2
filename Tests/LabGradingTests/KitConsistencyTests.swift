import Foundation
import LabRegistry
import XCTest

@testable import LabGrading

/// The kit's own consistency: Labs/ and Solutions/ agree on the API, every graded check
/// belongs to an exercise in the point table, and every exercise has checks and mutants.
final class KitConsistencyTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The public declarations of a folder of Swift files: each `public …` line up to its
    /// opening brace, whitespace-normalised.
    func publicAPI(_ folder: String) throws -> [String: Set<String>] {
        var api: [String: Set<String>] = [:]
        let fm = FileManager.default
        for lab in try fm.contentsOfDirectory(atPath: folder).filter({ $0.hasPrefix("Lab") && !$0.hasSuffix(".md") }) {
            for file in try fm.contentsOfDirectory(atPath: "\(folder)/\(lab)").filter({ $0.hasSuffix(".swift") }) {
                let text = try String(contentsOfFile: "\(folder)/\(lab)/\(file)", encoding: .utf8)
                let declarations = text.components(separatedBy: "\n").filter {
                    $0.trimmingCharacters(in: .whitespaces).hasPrefix("public ")
                }
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

    /// One Swift version everywhere: `.swift-version` names it; the Classroom workflow's image and
    /// the Gradescope set-up (written by `release` from that file) use it, and nothing else pins one.
    func testTheTestedSwiftVersionIsWrittenOnce() throws {
        let version = try String(contentsOfFile: "\(Self.root)/.swift-version", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(version.range(of: #"^\d+\.\d+(\.\d+)?$"#, options: .regularExpression) != nil, version)
        let workflow = try String(contentsOfFile: "\(Self.root)/.github/workflows/grade.yml", encoding: .utf8)
        XCTAssertTrue(workflow.contains("container: swift:\(version)-"), "grade.yml's image is Swift \(version)")
        XCTAssertTrue(workflow.contains(".build\n") || workflow.contains(".build\r\n"), "grade.yml caches .build")
        let release = try String(contentsOfFile: "\(Self.root)/Sources/release/main.swift", encoding: .utf8)
        XCTAssertNil(
            release.range(of: #"swift-\d+\.\d+"#, options: .regularExpression), "release pins no version of its own")
    }

    /// A knob is declared once: its flag is its property's name (no `name:`), and no lab types its
    /// flags by hand (`KnobFlags` derives them for the report and the saved models' reuse key).
    func testKnobsAreDeclaredOnce() throws {
        for lab in LabRegistry.kit.numbers {
            let path = String(format: "%@/Sources/lab%02d/main.swift", Self.root, lab)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            guard let start = text.range(of: "struct Knobs: LabKnobs {") else { continue }
            let body = text[start.upperBound...].prefix { _ in true }.components(separatedBy: "\n    }\n").first ?? ""
            XCTAssertFalse(
                body.contains("name: ."), "\(path): a knob renamed with name: (its property name is its flag)")
            XCTAssertFalse(body.contains("var flags"), "\(path): flags typed by hand (they are derived)")
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
            XCTAssertNotNil(
                LabRegistry.kit.exercise(forTest: check),
                "\(check) matches no exercise in the lab registry (name it test_L_E_…)")
        }
        let mutants = try SourceEdit.load(from: "\(Self.root)/Tests/Mutants")
        for exercise in LabRegistry.kit.exercises {
            XCTAssertTrue(
                checks.contains { $0.hasPrefix(exercise.testPrefix) }, "exercise \(exercise.id) has no graded check")
            XCTAssertTrue(
                mutants.contains { $0.exercise == exercise.id },
                "exercise \(exercise.id) has no mutant in Tests/Mutants")
        }
    }

    /// Every lab has at least 15 typical mistakes and 4 correct alternatives, and each edit
    /// still applies to Solutions/ (`grade --mutants` / `--alternatives` grade them).
    func testEveryLabHasMutantsAndAlternativesThatApply() throws {
        let mutants = try SourceEdit.load(from: "\(Self.root)/Tests/Mutants")
        let alternatives = try SourceEdit.load(from: "\(Self.root)/Tests/Alternatives")
        for lab in LabRegistry.kit.numbers {
            XCTAssertGreaterThanOrEqual(
                mutants.filter { $0.lab == lab }.count, 15, "lab \(lab) needs at least 15 mutants")
            XCTAssertGreaterThanOrEqual(
                alternatives.filter { $0.lab == lab }.count, 4, "lab \(lab) needs at least 4 correct alternatives")
        }
        for edit in mutants + alternatives {
            let source = try String(contentsOfFile: "\(Self.root)/Solutions/\(edit.file)", encoding: .utf8)
            XCTAssertTrue(
                source.contains(edit.find),
                "\(edit.exercise) \(edit.what): its text is no longer in Solutions/\(edit.file)")
            XCTAssertNotNil(
                LabRegistry.kit.exercises.first { $0.id == edit.exercise },
                "\(edit.exercise) \(edit.what): unknown exercise"
            )
        }
    }

    /// The handouts' point tables are copies of the point table: each must match it row for row.
    func testHandoutPointTablesMatchTheRegistry() throws {
        for lab in LabRegistry.kit.numbers {
            let name = String(format: "Lab%02d", lab)
            let text = try String(contentsOfFile: "\(Self.root)/Labs/\(name).md", encoding: .utf8)
            let exercises = LabRegistry.kit.exercises(inLab: lab)
            let total = exercises.reduce(0) { $0 + $1.points }
            XCTAssertTrue(
                text.contains("## Exercises (\(Self.format(total)) points)"),
                "Labs/\(name).md: the heading should say \(Self.format(total)) points, as the lab registry does")
            // Rows "| 2.1 Title | `function` | 2 |" in the order of the point table.
            let rows = text.components(separatedBy: "\n").filter { $0.hasPrefix("| \(lab).") }.map { line in
                line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            }
            XCTAssertEqual(
                rows.map { $0.first ?? "" }, exercises.map { "\($0.id) \($0.title)" },
                "Labs/\(name).md: exercise rows differ from the lab registry")
            XCTAssertEqual(
                rows.map { $0.last ?? "" }, exercises.map { Self.format($0.points) },
                "Labs/\(name).md: points differ from the lab registry")
        }
    }

    static func format(_ points: Double) -> String {
        points == points.rounded() ? String(Int(points)) : String(points)
    }

    /// Each lab notebook reads as a table of contents plus one short function per section.
    func testLabNotebooksReadAsSections() throws {
        for lab in LabRegistry.kit.numbers {
            let path = String(format: "Sources/lab%02d/main.swift", lab)
            let lines = try String(contentsOfFile: "\(Self.root)/\(path)", encoding: .utf8).components(
                separatedBy: "\n")
            for (i, line) in lines.enumerated() {
                XCTAssertLessThanOrEqual(line.count, 120, "\(path):\(i + 1) is \(line.count) characters (at most 120)")
                XCTAssertFalse(
                    line.contains("// MARK: ") && line.contains("."),
                    "\(path):\(i + 1): section numbers come from the code's order")
            }
            // Functions: from a line declaring `func` (its signature may run over several lines, up
            // to one ending in "{") to the brace at its indentation. The limit counts the
            // formatter's lines (120 columns).
            for (i, line) in lines.enumerated()
            where line.contains("func ") && !line.contains("}")
                && !line.trimmingCharacters(in: .whitespaces).hasPrefix("//")
            {
                let indent = line.prefix { $0 == " " }.count
                guard
                    let open = lines[i...].firstIndex(where: { $0.hasSuffix("{") || $0.contains("}") }),
                    lines[open].hasSuffix("{"), !lines[open].contains("}"),
                    let end = lines[(open + 1)...].firstIndex(where: {
                        $0.hasPrefix(String(repeating: " ", count: indent) + "}")
                    })
                else { continue }
                let limit = line.contains("func notebook(") ? 20 : 60
                XCTAssertLessThanOrEqual(
                    end - i + 1, limit, "\(path):\(i + 1): a function of \(end - i + 1) lines (at most \(limit))")
            }
        }
    }

    func testStubsThrowNotImplementedAndSolutionsDoNot() throws {
        for file in try FileManager.default.subpathsOfDirectory(atPath: "\(Self.root)/Solutions")
        where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: "\(Self.root)/Solutions/\(file)", encoding: .utf8)
            XCTAssertFalse(text.contains("NotImplemented("), "Solutions/\(file) still has a stub")
        }
        for file in try FileManager.default.subpathsOfDirectory(atPath: "\(Self.root)/Labs")
        where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: "\(Self.root)/Labs/\(file)", encoding: .utf8)
            let functions = text.components(separatedBy: "\n").filter { $0.hasPrefix("public func ") }.count
            let stubs = text.components(separatedBy: "\n").filter {
                $0.trimmingCharacters(in: .whitespaces).hasPrefix("throw NotImplemented(")
            }.count
            XCTAssertEqual(functions, stubs, "every exercise function in Labs/\(file) should be a stub")
        }
    }
}

/// The graded checks' own safety rules.
final class GradedCheckRulesTests: XCTestCase {
    /// The checks never link student code: no test target depends on an exercise module, no
    /// check imports one, and every exercise reaches them through `ExerciseCalls`, whose
    /// functions are declared exactly as the stubs are and served by `exercise-server`.
    func testChecksNeverLinkExerciseCode() throws {
        let root = KitConsistencyTests.root, fm = FileManager.default
        let manifest = try String(contentsOfFile: "\(root)/Package.swift", encoding: .utf8)
        let lines = manifest.components(separatedBy: "\n")
        for line in lines where line.contains("Checks\"") || line.contains("testTarget(") {
            XCTAssertFalse(
                line.contains("Exercises") || line.contains("target(name: exercises)"),
                "a check target links exercise code: \(line)")
        }
        for folder in ["Tests/Graded", "Tests/Hidden"] where fm.fileExists(atPath: "\(root)/\(folder)") {
            for file in fm.subpaths(atPath: "\(root)/\(folder)") ?? [] where file.hasSuffix(".swift") {
                let text = try String(contentsOfFile: "\(root)/\(folder)/\(file)", encoding: .utf8)
                XCTAssertNil(
                    text.range(of: #"import[^\n]*Lab[0-9]+Exercises"#, options: .regularExpression),
                    "\(file) imports an exercise module")
            }
        }
        for lab in LabRegistry.kit.numbers {
            let folder = String(format: "Lab%02d", lab)
            let stubs = try (fm.contentsOfDirectory(atPath: "\(root)/Labs/\(folder)")).filter { $0.hasSuffix(".swift") }
                .map { try String(contentsOfFile: "\(root)/Labs/\(folder)/\($0)", encoding: .utf8) }.joined()
            let calls = try String(contentsOfFile: "\(root)/Sources/ExerciseCalls/\(folder).swift", encoding: .utf8)
            let served = try String(contentsOfFile: "\(root)/Sources/exercise-server/\(folder).swift", encoding: .utf8)
            // Declarations compared with their line breaks and indentation collapsed.
            func normalised(_ text: String) -> String {
                text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                    .replacingOccurrences(of: "( ", with: "(").replacingOccurrences(of: " )", with: ")")
            }
            let declarations = stubs.components(separatedBy: "public func ").dropFirst()
                .map { normalised($0.components(separatedBy: "{").first!) }
            XCTAssertFalse(declarations.isEmpty)
            for declaration in declarations {
                XCTAssertTrue(
                    normalised(calls).contains("public func " + declaration),
                    "ExerciseCalls/\(folder).swift lacks `\(declaration)` as the stub declares it")
            }
            for name in calls.components(separatedBy: "call(\"").dropFirst().map({ $0.prefix { $0 != "\"" } }) {
                XCTAssertTrue(served.contains("exercise(\"\(name)\")"), "exercise-server does not serve \(name)")
            }
        }
    }

    /// A lab's checks call only that lab's exercises (`import func ExerciseCalls.f` with f served
    /// as "LabNN.f"): `grade --mutants` and `--alternatives` grade one edit per lab in one build,
    /// which is sound only while an edit in one lab cannot change another lab's checks.
    func testALabsChecksCallOnlyItsOwnExercises() throws {
        let root = KitConsistencyTests.root, fm = FileManager.default
        for lab in LabRegistry.kit.numbers {
            let folder = String(format: "Lab%02d", lab)
            let calls = try String(contentsOfFile: "\(root)/Sources/ExerciseCalls/\(folder).swift", encoding: .utf8)
            let own = Set(
                calls.components(separatedBy: "public func ").dropFirst().map {
                    String($0.prefix { $0.isLetter || $0.isNumber })
                })
            for checks in ["Tests/Graded/\(folder)Checks", "Tests/Hidden/\(folder)HiddenChecks"]
            where fm.fileExists(atPath: "\(root)/\(checks)") {
                for file in try fm.contentsOfDirectory(atPath: "\(root)/\(checks)") where file.hasSuffix(".swift") {
                    let text = try String(contentsOfFile: "\(root)/\(checks)/\(file)", encoding: .utf8)
                    for line in text.components(separatedBy: "\n") where line.hasPrefix("import func ExerciseCalls.") {
                        let name = String(line.dropFirst("import func ExerciseCalls.".count)).trimmingCharacters(
                            in: .whitespaces)
                        XCTAssertTrue(
                            own.contains(name),
                            "\(checks)/\(file) calls \(name), which is not one of \(folder)'s exercises")
                    }
                }
            }
        }
    }

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
                    if words.count == 2, words[0] == "import",
                        words[1].range(of: #"^Lab[0-9]+Exercises$"#, options: .regularExpression) != nil
                    {
                        XCTFail(
                            "\(folder)/\(file): `\(line)` imports the whole exercise module; import its functions one by one"
                        )
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
