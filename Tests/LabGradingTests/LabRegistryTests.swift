import Foundation
import XCTest

@testable import LabGrading
@testable import LabRegistry

/// The lab registry is the one place a lab is declared: the kit has every part of every lab it
/// lists and nothing it does not, and every consumer of the registry picks up a lab added to it —
/// shown with a throwaway lab that exists only in this test.
final class LabRegistryTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    override func setUpWithError() throws {
        guard FileManager.default.fileExists(atPath: "\(Self.root)/Solutions") else {
            throw XCTSkip("the student release has no Solutions/: these checks are for the instructor kit")
        }
    }

    /// What the kit at `root` lacks or has beyond `registry`, one sentence each: a lab's parts
    /// (`parts`, below), its figures in `Figures/`, a `Sources/labNN` nobody registered,
    /// `Package.swift`'s list, the exercise process's list of served labs, the README's table.
    static func problems(_ registry: LabRegistry, root: String) throws -> [String] {
        let fm = FileManager.default
        var problems: [String] = []
        for lab in registry.labs {
            for part in lab.parts where !fm.fileExists(atPath: "\(root)/\(part.path)") {
                problems.append("\(lab.name): no \(part.what) (\(part.path))")
            }
            let figures = "\(root)/Figures/\(lab.name)"
            if let written = try? fm.contentsOfDirectory(atPath: figures).filter({ $0.hasSuffix(".png") }),
                Set(written) != Set(lab.figures)
            {
                problems.append(
                    "\(lab.name): Figures/\(lab.name) holds \(written.sorted()), the registry lists \(lab.figures)")
            }
        }
        let notebooks = try fm.contentsOfDirectory(atPath: "\(root)/Sources").filter {
            $0.range(of: #"^lab\d\d$"#, options: .regularExpression) != nil
        }
        for name in Set(notebooks).subtracting(registry.labs.map(\.name)).sorted() {
            problems.append("Sources/\(name) is a lab the registry does not list: it would never be graded")
        }
        let manifest = try String(contentsOfFile: "\(root)/Package.swift", encoding: .utf8)
        let line = manifest.components(separatedBy: "\n").first { $0.hasPrefix("let labs = [") } ?? ""
        let listed = line.split(separator: "\"").compactMap { Int($0) }
        if listed != registry.numbers {
            problems.append("Package.swift's `labs` is \(listed), the registry's labs are \(registry.numbers)")
        }
        let server = try String(contentsOfFile: "\(root)/Sources/exercise-server/main.swift", encoding: .utf8)
        let served = server.components(separatedBy: "\n").first { $0.hasPrefix("let served = ") } ?? ""
        if served != "let served = " + registry.labs.map { "\($0.name)()" }.joined(separator: " + ") {
            problems.append("Sources/exercise-server/main.swift does not serve exactly the registry's labs: \(served)")
        }
        let readme = try String(contentsOfFile: "\(root)/README.md", encoding: .utf8)
        let table = readme.components(separatedBy: "\n").filter { $0.hasPrefix("| [lab") }
        if table != readmeTable(registry) {
            problems.append(
                "README.md's table of labs differs from the registry; it should read:\n"
                    + readmeTable(registry).joined(separator: "\n"))
        }
        return problems
    }

    /// The README's table rows: link, title, the exercises' titles, points.
    static func readmeTable(_ registry: LabRegistry) -> [String] {
        registry.labs.map { lab in
            let points = lab.exercises.reduce(0) { $0 + $1.points }
            return "| [\(lab.name)](Labs/\(lab.folder).md) | \(lab.title) | "
                + lab.exercises.map(\.title).joined(separator: " · ") + " | \(String(format: "%g", points)) |"
        }
    }

    func testTheKitIsExactlyItsRegistry() throws {
        XCTAssertEqual(try Self.problems(.kit, root: Self.root), [])
        XCTAssertNoThrow(try LabRegistry.kit.validate())
    }

    /// A tenth lab that lives only here: registering it is enough for every consumer to see it.
    static let throwaway = LabRegistry.Lab(
        number: 10, title: "Throwaway autoencoder", exerciseFile: "Lab10Throwaway.swift",
        exercises: [
            Exercise(id: "10.1", title: "First step", points: 2), Exercise(id: "10.2", title: "Second", points: 3),
        ],
        figures: ["loss.png"], knobsAwayFromDefaults: ["--widgets", "7"], firstSectionAfterTraining: 3)

    func testAThrowawayLabIsPickedUpByEveryConsumer() throws {
        var registry = LabRegistry.kit
        registry.labs.append(Self.throwaway)
        try registry.validate()

        // The consistency check asks for every part of it, Package.swift's entry, the exercise
        // process's and the README's row: the checklist of CONTRIBUTING.md, "Adding a lab".
        let problems = try Self.problems(registry, root: Self.root)
        for part in Self.throwaway.parts {
            XCTAssertTrue(problems.contains { $0.contains(part.path) }, "no problem names \(part.path)")
        }
        for place in ["Package.swift", "Sources/exercise-server/main.swift", "README.md"] {
            XCTAssertTrue(problems.contains { $0.hasPrefix(place) }, "no problem names \(place): \(problems)")
        }
        XCTAssertEqual(problems.count, Self.throwaway.parts.count + 3, problems.joined(separator: "\n"))

        // The point table: its checks belong to its exercises, its points count.
        XCTAssertEqual(registry.exercise(forTest: "Lab10Checks.Lab10Checks/test_10_2_works")?.id, "10.2")
        XCTAssertNil(LabRegistry.kit.exercise(forTest: "Lab10Checks.Lab10Checks/test_10_2_works"))
        XCTAssertEqual(registry.exercises(inLab: 10).reduce(0) { $0 + $1.points }, 5)

        // The grader grades its checks, and finds it in a submission.
        var grader = Grader(
            kitRoot: Self.root, scratchPath: NSTemporaryDirectory(), timeout: 1, labs: [10],
            sandbox: Sandbox(mode: .fallback(reason: "test"), limits: .init(), bwrap: nil, nobody: nil),
            log: { _ in })
        grader.registry = registry
        XCTAssertTrue(grader.grades(check: "Lab10Checks.Lab10Checks/test_10_1_firstStepWorks"))
        XCTAssertFalse(grader.grades(check: "Lab03Checks.Lab03Checks/test_3_1_x"))
        let folder = NSTemporaryDirectory() + "labkit-registry-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: "\(folder)/in/Labs/Lab10", withIntermediateDirectories: true)
        try "public func firstStep() {}\n".write(
            toFile: "\(folder)/in/Labs/Lab10/Lab10Throwaway.swift", atomically: true, encoding: .utf8)
        let copy = SubmissionCopy.make(from: RawPath("\(folder)/in"), into: "\(folder)/out", labs: registry.numbers)
        XCTAssertEqual(copy.labsFound, [10])

        // The gradebook has its columns; the student release carries its notebook.
        let header = GradeRecord.gradebook(out: folder, exercises: registry.exercises).components(separatedBy: "\n")[0]
        XCTAssertTrue(header.contains(",10.1,10.2,") && header.contains(",lab10,"), header)
        XCTAssertTrue(StudentRelease.includes("Sources/lab10/main.swift", registry: registry))
        XCTAssertFalse(StudentRelease.includes("Sources/lab10/main.swift"))

        // The scripts and CI (scripts/registry.py): its knobs and section, points and stub file.
        let file = "\(folder)/labs.json"
        try JSONEncoder().encode(registry).write(to: URL(fileURLWithPath: file))
        XCTAssertEqual(try Self.python(["scripts/registry.py", "ci-plan"], registry: file).last, "lab10 3 --widgets 7")
        XCTAssertEqual(
            try Self.python(["scripts/registry.py", "labs"], registry: file).first?.hasSuffix(" lab10"), true)
        XCTAssertEqual(try Self.python(["scripts/registry.py", "figures", "lab10"], registry: file), ["loss.png"])
        XCTAssertEqual(try Self.python(["scripts/registry.py", "points"], registry: file).last, "10 5")
        let attackFiles = try Self.python(
            [
                "-c",
                "import sys; sys.path.insert(0, 'scripts'); import make_attack_class as m; print(m.FILES[10], m.TOTAL)",
            ],
            registry: file)
        let total = LabRegistry.kit.exercises.reduce(0) { $0 + $1.points } + 5
        XCTAssertEqual(attackFiles, ["Lab10/Lab10Throwaway.swift \(String(format: "%g", total))"])
    }

    /// A registry with a mistake is refused with the reason.
    func testABadRegistryIsRefused() {
        func refused(_ json: String) -> String? {
            do {
                _ = try LabRegistry(json: Data(json.utf8))
                return nil
            } catch { return "\(error)" }
        }
        let lab =
            #""title": "T", "exerciseFile": "F.swift", "figures": [], "knobsAwayFromDefaults": [], "#
            + #""firstSectionAfterTraining": 1"#
        XCTAssertNil(
            refused(#"{"labs": [{"number": 1, \#(lab), "exercises": [{"id": "1.1", "title": "A", "points": 1}]}]}"#))
        XCTAssertEqual(
            refused(#"{"labs": [{"number": 1, \#(lab), "exercises": [{"id": "2.1", "title": "A", "points": 1}]}]}"#),
            "lab01: exercise id 2.1 is not 1.k")
        XCTAssertEqual(
            refused(#"{"labs": [{"number": 1, \#(lab), "exercises": [{"id": "1.1", "title": "A", "points": 0}]}]}"#),
            "exercise 1.1 has 0.0 points")
        XCTAssertNotNil(refused(#"{"labs": [{"number": 1, \#(lab), "exercises": []}]}"#))
        XCTAssertNotNil(refused(#"{"labs": [{"number": 1, "title": "T"}]}"#))
    }

    /// Runs python3 in the kit's root with `LABKIT_REGISTRY=registry`: its output lines.
    static func python(_ arguments: [String], registry: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        process.environment = ProcessInfo.processInfo.environment.merging(["LABKIT_REGISTRY": registry]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "python3 \(arguments)")
        return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

extension LabRegistry.Lab {
    /// Everything the lab consists of in the kit, relative to its root: each path with what
    /// must be there. A test checks them all for every registered lab.
    var parts: [LabPart] {
        [
            LabPart(path: "Labs/\(folder)/\(exerciseFile)", what: "the stubs"),
            LabPart(path: "Solutions/\(folder)/\(exerciseFile)", what: "the reference solution"),
            LabPart(path: "Labs/\(folder).md", what: "the handout"),
            LabPart(path: "Sources/\(name)/main.swift", what: "the notebook"),
            LabPart(path: "Sources/ExerciseCalls/\(folder).swift", what: "the exercises as the checks call them"),
            LabPart(
                path: "Sources/exercise-server/\(folder).swift", what: "the exercises the exercise process serves"),
            LabPart(path: "Tests/Graded/\(folder)Checks/\(folder)Checks.swift", what: "the graded checks"),
            LabPart(path: "Tests/Mutants/\(name).json", what: "typical mistakes"),
            LabPart(path: "Tests/Alternatives/\(name).json", what: "correct alternatives"),
            LabPart(
                path: "Figures/\(name)/report.md",
                what: "the reference figures (LABKIT_SOLUTIONS=1 swift run figures)"),
        ]
    }
}

/// A file a lab needs, and what it is.
struct LabPart: Sendable, Equatable {
    let path: String
    let what: String
}
