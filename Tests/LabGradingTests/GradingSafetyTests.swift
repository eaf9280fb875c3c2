import ExerciseChannel
import Foundation
import LabRegistry
import XCTest

@testable import LabGrading

#if canImport(Glibc)
    import Glibc
#endif

/// The grader's defences, piece by piece: the verdict parser, the output cap, the
/// submission copier, name sanitising and compiler-error attribution. (The whole grader is
/// exercised against a class of hostile submissions by `.ci/run`.)
final class GradingSafetyTests: XCTestCase {
    let check = "Lab02Checks.Lab02Checks/test_2_1_meanActivationIsAveragedOverExamples"

    func record(_ kind: String, _ payload: String) -> [UInt8] {
        Array("LABKIT-VERDICT \(kind) \(Data(payload.utf8).base64EncodedString())\n".utf8)
    }

    let other = "Lab02Checks.Lab02Checks/test_2_2_klIsNotSymmetric"

    /// A PASS counts for the check that began, only under its own name, and a check's records
    /// stay its own when one process runs several.
    func testRecordsBelongToTheCheckThatBeganAndAPassNeedsItsName() {
        var parser = VerdictParser(checks: [check, other])
        parser.consume(Array("Test Case '-[Lab02Checks test_2_1_meanActivationIsAveragedOverExamples]' passed\n".utf8))
        parser.consume(record("PASS", "-[Lab02Checks test_2_1_meanActivationIsAveragedOverExamples]"))
        XCTAssertNil(parser.verdicts[check], "a record before any BEGIN belongs to no check")
        parser.consume(record("BEGIN", "-[Lab02Checks test_2_1_meanActivationIsAveragedOverExamples]"))
        parser.consume(record("PASS", "-[Lab02Checks test_2_2_klIsNotSymmetric]"))
        XCTAssertEqual(parser.verdicts[check]?.passed, false, "another check's name must not pass")
        parser.consume(record("PASS", "-[Lab02Checks test_2_1_meanActivationIsAveragedOverExamples]"))
        parser.consume(record("BEGIN", "Lab02Checks.test_2_2_klIsNotSymmetric"))
        parser.consume(record("ENDED", "crashed"))
        parser.consume(record("TIMEOUT", ""))
        XCTAssertEqual(parser.verdicts[check]?.passed, true)
        XCTAssertEqual(parser.verdicts[other]?.passed, false)
        XCTAssertEqual(parser.verdicts[other]?.exerciseEnded, "crashed")
        XCTAssertNil(parser.verdicts[check]?.exerciseEnded)
        XCTAssertEqual(parser.verdicts[other]?.timedOut, true, "a record with an empty payload counts")
    }

    func testARecordSurvivesArrivingInPieces() {
        var parser = VerdictParser(checks: [check])
        parser.consume(record("BEGIN", "Lab02Checks.test_2_1_meanActivationIsAveragedOverExamples"))
        let genuine = record(
            "FAIL", "Lab02Checks.swift:20\nρ̂ for 2 examples: expected 0.2\nHint: average over the rows")
        for byte in genuine { parser.consume([byte]) }
        XCTAssertEqual(
            parser.verdicts[check]?.failures,
            ["Lab02Checks.swift:20\nρ̂ for 2 examples: expected 0.2\nHint: average over the rows"])
        XCTAssertEqual(parser.verdicts[check]?.passed, false)
    }

    /// Without bubblewrap and without root, student code would run as the grader's user.
    func testTheFallbackAsAnOrdinaryUserRefusesAClass() {
        let ordinary = Sandbox(mode: .fallback(reason: "test"), limits: .init(), bwrap: nil, nobody: nil)
        XCTAssertNotNil(ordinary.refusesClassGrading)
        let asRoot = Sandbox(mode: .fallback(reason: "test"), limits: .init(), bwrap: nil, nobody: (65534, 65534))
        XCTAssertNil(asRoot.refusesClassGrading)
        let bubblewrap = Sandbox(mode: .bubblewrap(asUser: true), limits: .init(), bwrap: "/usr/bin/bwrap", nobody: nil)
        XCTAssertNil(bubblewrap.refusesClassGrading)
    }

    func testCappedOutputKeepsTheHeadAndTheTailAndCountsEverything() {
        var output = CappedOutput(head: 10, tail: 5)
        for _ in 0..<1000 { output.append(ArraySlice(Array("0123456789".utf8))) }
        output.append(ArraySlice(Array("THEEND".utf8)))
        XCTAssertEqual(output.total, 10_006)
        XCTAssertTrue(output.text.hasPrefix("0123456789\n[… 9991 bytes of output left out …]\n"))
        XCTAssertTrue(output.text.hasSuffix("HEEND"))
        var invalid = CappedOutput(head: 100, tail: 0)
        invalid.append([0x61, 0xff, 0x62])
        XCTAssertEqual(invalid.text, "a\u{FFFD}b", "bytes that are not UTF-8 are shown lossily, never dropped")
    }

    func testSanitisedNamesAreSafeDistinctAndStable() {
        XCTAssertEqual(sanitisedName(Array("alice-correct".utf8)), "alice-correct")
        let odd = sanitisedName([0xff, 0xfe] + Array("-victor".utf8)),
            other = sanitisedName([0xfe, 0xff] + Array("-victor".utf8))
        XCTAssertTrue(odd.hasPrefix("__-victor-"))
        XCTAssertNotEqual(odd, other, "two odd names must not collide")
        XCTAssertFalse(sanitisedName(Array("../x".utf8)).contains("/"))
        XCTAssertFalse(sanitisedName(Array("..".utf8)).hasPrefix("."))
        XCTAssertEqual(GradeRecord.csvField("=HYPERLINK(1)"), "'=HYPERLINK(1)")
    }

    func testTheCopierTakesOnlyRegularSwiftFilesAndNeverBlocksOnAFIFO() throws {
        let fm = FileManager.default
        let root = NSTemporaryDirectory() + "labkit-copy-\(UUID().uuidString)"
        defer { try? fm.removeItem(atPath: root) }
        try fm.createDirectory(atPath: "\(root)/Labs/Lab01/nested", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: "\(root)/Labs/Lab02", withIntermediateDirectories: true)
        try "public func a() {}".write(toFile: "\(root)/Labs/Lab01/A.swift", atomically: true, encoding: .utf8)
        try "public func b() {}".write(toFile: "\(root)/Labs/Lab01/nested/B.swift", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: "\(root)/Labs/Lab01/passwd.swift", withDestinationPath: "/etc/passwd")
        XCTAssertEqual(mkfifo("\(root)/Labs/Lab01/fifo.swift", 0o644), 0)
        try fm.createSymbolicLink(atPath: "\(root)/Labs/Lab02/Lab02Sparse.swift", withDestinationPath: "/etc/hostname")
        let destination = "\(root)/copy"
        let copy = SubmissionCopy.make(from: RawPath(root), into: destination, labs: [1, 2])
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: "\(destination)/Lab01"), ["A.swift"])
        XCTAssertEqual(copy.labsFound, [1], "a lab whose only file is a link counts as not submitted")
        for expected in [
            "Labs/Lab01/passwd.swift: a symbolic link", "Labs/Lab01/fifo.swift: a FIFO", "Labs/Lab01/nested: a folder",
            "Labs/Lab02/Lab02Sparse.swift: a symbolic link",
        ] {
            XCTAssertTrue(
                copy.rejected.contains { $0.hasPrefix(expected) }, "missing rejection: \(expected)\n\(copy.rejected)")
        }
        // The fingerprint says whether the submission changed, wherever it was copied to.
        XCTAssertEqual(
            SubmissionCopy.make(from: RawPath(root), into: "\(root)/copy2", labs: [1, 2]).fingerprint, copy.fingerprint)
        try "public func a() { }".write(toFile: "\(root)/Labs/Lab01/A.swift", atomically: true, encoding: .utf8)
        XCTAssertNotEqual(
            SubmissionCopy.make(from: RawPath(root), into: "\(root)/copy3", labs: [1, 2]).fingerprint, copy.fingerprint)
    }

    func testOnlyErrorsSetALabAsideAndPathsAreTheStudents() {
        let output = """
            /k/.build-grade/submission/Lab05/Lab05VAE.swift:31:9: warning: initialization of immutable value 'x' was never used
            /k/.build-grade/submission/Lab03/Lab03Denoising.swift:52:30: error: cannot convert value of type 'String' to specified type 'Int'
            50 | public func denoisingLoss(
               |                              `- error: cannot convert value of type 'String' to specified type 'Int'
            /k/.build-grade/submission/Lab03/Lab03Denoising.swift:52:30: error: cannot convert value of type 'String' to specified type 'Int'
            /k/Tests/Hidden/Lab01HiddenChecks/Lab01HiddenChecks.swift:20:5: error: missing argument
            20 |     secretHiddenCheckLine()
            """
        let diagnostics = CompilerDiagnostics(
            output: output, submissionFolder: "/k/.build-grade/submission", kitRoot: "/k")
        XCTAssertEqual(diagnostics.failingLabs, [1, 3], "a warning in lab 5 must not set lab 5 aside")
        let lab3 = diagnostics.report(lab: 3)
        XCTAssertTrue(lab3.hasPrefix("Labs/Lab03/Lab03Denoising.swift:52:30: error: cannot convert"))
        XCTAssertEqual(
            lab3.components(separatedBy: "error: cannot convert").count - 1, 2,
            "the error once (plus its excerpt), not once per occurrence")
        XCTAssertFalse(lab3.contains(".build-grade"))
        XCTAssertFalse(
            diagnostics.report(lab: 1).contains("secretHiddenCheckLine"), "hidden checks' source is never shown")
    }

    /// A crash report names the runtime's message and the student's own file and line, with
    /// the build folder's path replaced by `Labs/…`.
    func testCrashReportShowsTheMessageAndTheStudentsLine() {
        let output = """
            LabKit/Tensor+Arithmetic.swift:14: Fatal error: shapes [20, 3] and [3, 21] do not broadcast
            Thread 0 "AutoencoderLabs" crashed:
              1 [ra]                    0x000055def1397b44 require(_:_:file:line:) + 99 in AutoencoderLabsPackageTests.xctest at /work/main/Sources/LabKit/Tensor/Require.swift:9:23
              7 [ra]                    0x000055def13621ff reparameterize(mu:logVariance:using:) + 270 in AutoencoderLabsPackageTests.xctest at /work/main/.build-grade/submission/Lab05/Lab05VAE.swift:15:43
              8 [ra]                    0x000055def1357b1c closure #1 in Lab05Checks.test_5_1_x() + 75 in AutoencoderLabsPackageTests.xctest at /work/main/Tests/Graded/Lab05Checks/Lab05Checks.swift:72:63
            """
        XCTAssertEqual(
            CrashReport.summary(output),
            """
            LabKit/Tensor+Arithmetic.swift:14: Fatal error: shapes [20, 3] and [3, 21] do not broadcast
            in your code: Labs/Lab05/Lab05VAE.swift:15 — reparameterize(mu:logVariance:using:)
            """)
    }

    /// results.json: the checks of an exercise add up to its points exactly, whatever the rounding.
    func testGradescopeCheckPointsAddUpToTheExercisePoints() throws {
        let exercise = LabRegistry.kit.exercises.first { $0.id == "2.1" }!  // 2 points
        let results = (0..<3).map {
            CheckResult(
                name: "Lab02Checks.test_2_1_\($0)", exercise: exercise, status: .passed, score: 2.0 / 3,
                maxScore: 2.0 / 3, feedback: "")
        }
        let report = GradeReport(results: results, labs: [2], notes: [], sandbox: "")
        let json = try JSONSerialization.jsonObject(with: report.gradescopeJSON(executionSeconds: 1)) as! [String: Any]
        let tests = json["tests"] as! [[String: Any]]
        XCTAssertEqual(tests.reduce(0.0) { $0 + ($1["max_score"] as! Double) }, 2, accuracy: 1e-9)
        XCTAssertEqual(tests.reduce(0.0) { $0 + ($1["score"] as! Double) }, 2, accuracy: 1e-9)
    }

    /// Grading some labs again keeps the other labs' scores; the gradebook has a max-points
    /// row, per-lab subtotals and statuses.
    func testRegradingSomeLabsMergesIntoTheGradebook() throws {
        let out = NSTemporaryDirectory() + "gradebook-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let all = Dictionary(uniqueKeysWithValues: LabRegistry.kit.exercises.map { ($0.id, $0.points) })
        let total = LabRegistry.kit.exercises.reduce(0) { $0 + $1.points },
            lab3 = LabRegistry.kit.exercises(inLab: 3).reduce(0) { $0 + $1.points }
        let earlier = GradeRecord(
            student: "ann", folder: "ann", submission: "s", kit: "k", scores: all, total: total, maxScore: total,
            summary: "",
            labStatus: Dictionary(
                uniqueKeysWithValues: LabRegistry.kit.numbers.map { (String(format: "%02d", $0), "ok") }))
        var now = GradeRecord(
            student: "ann", folder: "ann", submission: "s", kit: "k",
            scores: Dictionary(uniqueKeysWithValues: LabRegistry.kit.exercises(inLab: 3).map { ($0.id, 0.0) }),
            total: 0, maxScore: 9, summary: "", labStatus: ["03": "compile error"])
        now.merge(keepingFrom: earlier, labs: [3])
        XCTAssertEqual(now.total, total - lab3)
        XCTAssertEqual(now.maxScore, total)
        try FileManager.default.createDirectory(atPath: "\(out)/ann", withIntermediateDirectories: true)
        try now.save(in: "\(out)/ann")
        let lines = GradeRecord.gradebook(out: out, exercises: LabRegistry.kit.exercises).split(separator: "\n")
        XCTAssertTrue(lines[0].contains("lab03,lab04") && lines[0].contains("lab03 status"))
        XCTAssertTrue(lines[1].hasPrefix("(max points),(max points),"))
        XCTAssertTrue(lines[2].contains(",13,11,0,9,11,13,"), String(lines[2]))
        XCTAssertTrue(
            lines[2].contains(",\(Int(total - lab3)),\(Int(total)),ok,ok,compile error,ok,ok,ok,"), String(lines[2]))
    }

    /// A Labs/ folder nested in a checkout or a zip's top folder is found, and lab files
    /// uploaded flat count for the lab their name starts with.
    func testNestedLabsFoldersAndFlatUploadsAreFound() throws {
        let root = NSTemporaryDirectory() + "layouts-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let nested = "\(root)/nested/autoencoder-labs-main/Labs/Lab02"
        try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: "\(nested)/Lab02Sparse.swift", contents: Data("// two".utf8))
        let copy = SubmissionCopy.make(from: RawPath("\(root)/nested"), into: "\(root)/out1", labs: [1, 2])
        XCTAssertEqual(copy.labsFound, [2])
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(root)/out1/Lab02/Lab02Sparse.swift"))
        let flat = "\(root)/flat"
        try FileManager.default.createDirectory(atPath: flat, withIntermediateDirectories: true)
        for name in ["Lab01PCA.swift", "Lab02Sparse.swift", "notes.txt"] {
            _ = FileManager.default.createFile(atPath: "\(flat)/\(name)", contents: Data("// \(name)".utf8))
        }
        let flatCopy = SubmissionCopy.make(from: RawPath(flat), into: "\(root)/out2", labs: [1, 2])
        XCTAssertEqual(flatCopy.labsFound, [1, 2])
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(root)/out2/Lab01/Lab01PCA.swift"))
    }
}
