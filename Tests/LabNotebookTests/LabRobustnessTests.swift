#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LabData
import LabKit
import LabPlot
@testable import LabNotebook
import XCTest

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
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.contains("staging") }, [])
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
        // A staging folder left by a killed run (pid 999999) is removed by the next run.
        try FileManager.default.createDirectory(atPath: "\(root!)/.busy.staging-999999", withIntermediateDirectories: false)
        _ = running
        let next = try Notebook(info: Self.info, outputDirectory: "\(root!)/busy-too")
        next.folder.discard()
        let again = try Notebook(info: Self.info, outputDirectory: out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(root!)/.busy.staging-999999"))
        again.folder.discard()
    }

    func testAFolderHoldingOtherFilesIsNeverReplaced() throws {
        let out = "\(root!)/project"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: "\(out)/Package.swift", contents: Data("// mine".utf8))
        XCTAssertThrowsError(try Notebook(info: Self.info, outputDirectory: out)) { error in
            XCTAssertTrue("\(error)".contains("files a lab did not write") && "\(error)".contains("Package.swift"), "\(error)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(out)/Package.swift"))
    }

    func testNaNInAFigureATableOrAMetricStopsTheRunWithItsSection() throws {
        let notebook = try Notebook(info: Self.info, outputDirectory: "\(root!)/nan")
        defer { notebook.folder.discard() }
        notebook.section("Interpolation (exercise 5.5)", "")
        let figure = Figure(title: "t")
        figure.add(ImageGrid(title: "", tiles: [[0, .nan, 1, 0.25]], columns: 1))
        XCTAssertThrowsError(try notebook.figure(figure, name: "path", caption: "c")) { error in
            XCTAssertTrue("\(error)".contains("\"path\"") && "\(error)".contains("Interpolation (exercise 5.5)"), "\(error)")
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
        for arguments in [["--epochs", "9223372036854775807"], ["--epochs", "0"], ["--train-size", "3"], ["--out", ""]] {
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
        file = IDXFile(dimensions: file.dimensions, bytes: file.bytes.enumerated().map { $0.offset == 5 ? 12 : $0.element })
        bytes += file.bytes
        try FileManager.default.removeItem(atPath: "\(copy)/\(labels)")
        _ = FileManager.default.createFile(atPath: "\(copy)/t10k-labels-idx1-ubyte", contents: Data(bytes))
        XCTAssertThrowsError(try DatasetSource.fashionMNIST.load(environment: ["LABKIT_DATA_DIR": copy])) { error in
            XCTAssertTrue("\(error)".contains("t10k-labels-idx1-ubyte") && "\(error)".contains("label 12"), "\(error)")
        }
    }
}
