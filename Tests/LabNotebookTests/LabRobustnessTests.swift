import Foundation
import LabData
import LabKit
import LabPlot
import XCTest

@testable import LabNotebook

#if canImport(Glibc)
    import Glibc
#endif

/// What a lab does with interruptions, a busy or foreign output folder, NaN results and
/// flags that cannot work.
final class LabRobustnessTests: FolderTestCase {
    static let info = LabInfo(number: 99, title: "test", reference: "", summary: "")

    func testAFinishedRunReplacesThePreviousOutputAndAnUnfinishedOneLeavesItAlone() throws {
        let out = "\(root!)/out"
        let first = try Notebook(info: Self.info, outputDirectory: out)
        first.metric("x", 1)
        try first.finish()
        let previous = try String(contentsOfFile: "\(out)/metrics.json", encoding: .utf8)
        // A run that fails (or is interrupted) after writing part of its output.
        let failed = try Notebook(info: Self.info, outputDirectory: out)
        failed.metric("x", 2)
        let figure = Figure(title: "t")
        figure.add(ImageGrid(title: "", tiles: [[0, 0.5, 1, 0.25]], columns: 1))
        try failed.figure(figure, name: "half-written", caption: "c")
        failed.folder.discard()
        XCTAssertEqual(try String(contentsOfFile: "\(out)/metrics.json", encoding: .utf8), previous)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(out)/half-written.png"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root), ["out"], "nothing beside the output")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.contains("staging") }, [])
        // The next complete run replaces everything.
        let second = try Notebook(info: Self.info, outputDirectory: out)
        second.metric("x", 3)
        try second.finish()
        XCTAssertTrue(try String(contentsOfFile: "\(out)/metrics.json", encoding: .utf8).contains("\"x\": 3"))
    }

    func testASecondRunIntoABusyFolderIsRefusedAndAKilledRunsStagingIsRemoved() throws {
        let out = "\(root!)/busy"
        let running = try Notebook(info: Self.info, outputDirectory: out)
        // flock is per open file description: a second open in this process conflicts too.
        XCTAssertThrowsError(try Notebook(info: Self.info, outputDirectory: out)) { error in
            XCTAssertTrue("\(error)".contains("another run is writing into it"), "\(error)")
        }
        running.folder.discard()
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "a run that made the folder and failed leaves none")
        // A staging folder left by a killed run (pid 999999) is removed by the next run.
        try FileManager.default.createDirectory(
            atPath: "\(out)/.labkit-staging-999999", withIntermediateDirectories: true)
        _ = running
        let again = try Notebook(info: Self.info, outputDirectory: out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(out)/.labkit-staging-999999"))
        again.folder.discard()
    }

    func testAFolderHoldingOtherFilesIsNeverReplaced() throws {
        let out = "\(root!)/project"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: "\(out)/Package.swift", contents: Data("// mine".utf8))
        XCTAssertThrowsError(try Notebook(info: Self.info, outputDirectory: out)) { error in
            XCTAssertTrue(
                "\(error)".contains("files no lab run wrote") && "\(error)".contains("Package.swift"), "\(error)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(out)/Package.swift"))
        // Files named like a lab's outputs are someone's too, in a folder no run made.
        let notes = "\(root!)/notes"
        try FileManager.default.createDirectory(atPath: "\(notes)/models", withIntermediateDirectories: true)
        for name in ["NOTES.md", "config.json", "holiday.png", "models/x.pt"] {
            _ = FileManager.default.createFile(atPath: "\(notes)/\(name)", contents: Data(name.utf8))
        }
        XCTAssertThrowsError(try Notebook(info: Self.info, outputDirectory: notes))
        for name in ["NOTES.md", "config.json", "holiday.png", "models/x.pt"] {
            XCTAssertEqual(FileManager.default.contents(atPath: "\(notes)/\(name)"), Data(name.utf8))
        }
    }

    /// A run replaces what the last run wrote, and keeps what the user added or changed.
    func testFilesTheUserAddsOrChangesSurviveTheNextRun() throws {
        let out = "\(root!)/lab"
        func run(figures: [String], metric: Double) throws {
            let notebook = try Notebook(info: Self.info, outputDirectory: out)
            for name in figures {
                let figure = Figure(title: name)
                figure.add(ImageGrid(title: "", tiles: [[0, 0.5, 1, Float(metric) / 10]], columns: 1))
                try notebook.figure(figure, name: name, caption: "c")
            }
            notebook.metric("x", metric)
            do { try notebook.finish() } catch { notebook.folder.discard(); throw error }
        }
        try run(figures: ["a", "b"], metric: 1)
        let fm = FileManager.default
        try fm.createDirectory(atPath: "\(out)/models", withIntermediateDirectories: true)
        let mine = ["NOTES.md", "config.json", "holiday.png", "docs.md", "models/x.pt"]
        for name in mine { _ = fm.createFile(atPath: "\(out)/\(name)", contents: Data(name.utf8)) }
        try run(figures: ["a"], metric: 2)
        for name in mine { XCTAssertEqual(fm.contents(atPath: "\(out)/\(name)"), Data(name.utf8), name) }
        XCTAssertTrue(try String(contentsOfFile: "\(out)/metrics.json", encoding: .utf8).contains("\"x\": 2"))
        XCTAssertFalse(fm.fileExists(atPath: "\(out)/b.png"), "the last run's figure that this run did not make goes")
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: root), ["lab"], "nothing beside the output")
        // A report the user edited is theirs now: the next run stops before changing anything.
        try "my edits".write(toFile: "\(out)/report.md", atomically: true, encoding: .utf8)
        let before = try String(contentsOfFile: "\(out)/metrics.json", encoding: .utf8)
        XCTAssertThrowsError(try run(figures: ["a"], metric: 3)) { error in
            XCTAssertTrue("\(error)".contains("report.md") && "\(error)".contains("Nothing was changed"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: "\(out)/report.md", encoding: .utf8), "my edits")
        XCTAssertEqual(try String(contentsOfFile: "\(out)/metrics.json", encoding: .utf8), before)
        for name in mine { XCTAssertEqual(fm.contents(atPath: "\(out)/\(name)"), Data(name.utf8), name) }
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: out).filter { $0.contains("staging") }, [])
    }

    func testNaNInAFigureATableOrAMetricStopsTheRunWithItsSection() throws {
        let notebook = try Notebook(info: Self.info, outputDirectory: "\(root!)/nan")
        defer { notebook.folder.discard() }
        notebook.section("Interpolation (exercise 5.5)", "")
        let figure = Figure(title: "t")
        figure.add(ImageGrid(title: "", tiles: [[0, .nan, 1, 0.25]], columns: 1))
        XCTAssertThrowsError(try notebook.figure(figure, name: "path", caption: "c")) { error in
            XCTAssertTrue(
                "\(error)".contains("\"path\"") && "\(error)".contains("Interpolation (exercise 5.5)"), "\(error)")
        }
        let other = try Notebook(info: Self.info, outputDirectory: "\(root!)/nan-metric")
        defer { other.folder.discard() }
        other.section("k-means (exercise 6.4)", "")
        other.table(["k", "inertia"], [["3", Format.number(Double.nan)]])
        XCTAssertThrowsError(try other.finish()) { error in
            XCTAssertTrue("\(error)".contains("k-means (exercise 6.4)"), "\(error)")
        }
    }

    func testFlagsThatCannotWorkAreRefusedByValidation() {
        for arguments in [
            ["--epochs", "9223372036854775807"], ["--epochs", "0"], ["--train-size", "3"], ["--out", ""],
        ] {
            XCTAssertThrowsError(try LabOptions.parse(arguments), "\(arguments)")
        }
        XCTAssertNoThrow(try LabOptions.parse(["--epochs", "100000", "--test-size", "10"]))
    }

    /// A wrong label in the test labels is blamed on the test label file.
    func testABadTestLabelNamesTheTestLabelFile() throws {
        let sample = try XCTUnwrap(DatasetSource.sampleFolder)
        let copy = "\(root!)/fashion"
        try FileManager.default.copyItem(atPath: sample, toPath: copy)
        let labels = try FileManager.default.contentsOfDirectory(atPath: copy).first { $0.hasPrefix("t10k-labels") }!
        var file = try IDXFile.read("\(copy)/\(labels)")
        var bytes = [UInt8]([0, 0, 8, 1]) + withUnsafeBytes(of: UInt32(file.declaredCount).bigEndian, Array.init)
        file = IDXFile(
            dimensions: file.dimensions, bytes: file.bytes.enumerated().map { $0.offset == 5 ? 12 : $0.element })
        bytes += file.bytes
        try FileManager.default.removeItem(atPath: "\(copy)/\(labels)")
        _ = FileManager.default.createFile(atPath: "\(copy)/t10k-labels-idx1-ubyte", contents: Data(bytes))
        XCTAssertThrowsError(try DatasetSource.fashionMNIST.load(environment: ["LABKIT_DATA_DIR": copy])) { error in
            XCTAssertTrue("\(error)".contains("t10k-labels-idx1-ubyte") && "\(error)".contains("label 12"), "\(error)")
        }
    }
}
