import Foundation
import LabKit
import XCTest

@testable import LabNotebook

/// `--from-section`: models saved with a run are reused by a later run with the same flags,
/// and retrained (with the reason) otherwise.
final class SavedModelTests: FolderTestCase {
    static let info = LabInfo(number: 98, title: "test", reference: "", summary: "")

    /// One run of a two-section notebook whose first section "trains" w by adding `step`.
    /// Returns the trained weight, the record, and whether the training closure ran.
    func run(flags: String, fromSection: Int, step: Float) throws -> (
        weight: [Float], record: TrainingHistory, trained: Bool
    ) {
        let notebook = try Notebook(
            info: Self.info, outputDirectory: "\(root!)/out", flags: flags, fromSection: fromSection)
        // As the lab runner does: whatever stops the run, its unfinished output goes.
        var finished = false
        defer { if !finished { notebook.folder.discard() } }
        notebook.section("Train", "")
        let w = Variable(Tensor([[1, 2], [3, 4]]), requiresGradient: true, name: "layer.weight")
        let b = Variable(Tensor([0.5]), requiresGradient: true, name: "layer.bias")
        var trained = false
        let record = try notebook.trained("tiny", parameters: [w, b], progressLabel: "tiny") {
            () throws -> TrainingHistory in
            trained = true
            w.value = w.value + step
            var history = TrainingHistory()
            history.loss = [3, 2, 1.25]
            history.parts = ["penalty": [0.1, 0.2, 0.3]]
            history.partNames = ["penalty"]
            history.seconds = 12
            return history
        }
        notebook.section("Evaluate", "")
        notebook.metric("w", Double(w.value.sum()))
        try notebook.finish()
        finished = true
        return (w.value.scalars, record, trained)
    }

    func testALaterSectionReusesTheSavedModelAndItsRecord() throws {
        let first = try run(flags: "--seed 1", fromSection: 1, step: 1)
        XCTAssertTrue(first.trained)
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(root!)/out/models/tiny.safetensors"))
        let report = try String(contentsOfFile: "\(root!)/out/report.md", encoding: .utf8)

        let second = try run(flags: "--seed 1", fromSection: 2, step: 100)
        XCTAssertFalse(second.trained, "the model was trained again although a saved one matched")
        XCTAssertEqual(second.weight, [2, 3, 4, 5])
        XCTAssertEqual(second.record.loss, [3, 2, 1.25])
        XCTAssertEqual(second.record.parts, ["penalty": [0.1, 0.2, 0.3]])
        XCTAssertEqual(
            try String(contentsOfFile: "\(root!)/out/report.md", encoding: .utf8), report,
            "a --from-section run writes the same report")
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: "\(root!)/out/models/tiny.safetensors"),
            "the reused model is kept with the new run")
    }

    func testOtherFlagsOrAFullRunTrainAgain() throws {
        _ = try run(flags: "--seed 1 --beta 3.0", fromSection: 1, step: 1)
        XCTAssertTrue(try run(flags: "--seed 1 --beta 1.0", fromSection: 2, step: 1).trained, "flags differ: retrain")
        XCTAssertTrue(
            try run(flags: "--seed 1 --beta 1.0", fromSection: 1, step: 1).trained,
            "a section at or after --from-section always trains")
        XCTAssertFalse(try run(flags: "--seed 1 --beta 1.0", fromSection: 2, step: 1).trained)
    }

    func testADifferentArchitectureOrABrokenFileTrainsAgain() throws {
        _ = try run(flags: "f", fromSection: 1, step: 1)
        // Overwrite the saved model with one whose weight has another shape.
        let path = "\(root!)/out/models/tiny.safetensors"
        var saved = try SafeTensors(contentsOf: path)
        saved.tensors["layer.weight"] = Tensor([1, 2, 3])
        try saved.write(to: path)
        // Changed on disk since the lab wrote it: neither used nor replaced; the run stops and says so.
        XCTAssertThrowsError(try run(flags: "f", fromSection: 2, step: 1)) { error in
            XCTAssertTrue(
                "\(error)".contains("models/tiny.safetensors") && "\(error)".contains("changed since"), "\(error)")
        }
        XCTAssertEqual(try SafeTensors(contentsOf: path).tensors["layer.weight"], Tensor([1, 2, 3]))
        // As if the kit had written it (its manifest says so): another shape retrains.
        func adopt() throws {
            var manifest = OutputFolder.readManifest(in: "\(root!)/out") ?? [:]
            manifest["models/tiny.safetensors"] = [OutputFolder.hash(of: path)]
            try OutputFolder.writeManifest(manifest, in: "\(root!)/out")
        }
        try adopt()
        XCTAssertTrue(try run(flags: "f", fromSection: 2, step: 1).trained)
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: path))
        try adopt()
        XCTAssertTrue(try run(flags: "f", fromSection: 2, step: 1).trained)
    }

    func testTheReasonNamesOnlyTheFlagsThatDiffer() {
        XCTAssertEqual(
            Notebook.flagDifference(
                saved: "--dataset sample --seed 1 --beta 3.0", now: "--dataset sample --seed 1 --beta 1.0 --epochs 2"),
            "it was trained with --beta 3.0, no --epochs; this run has --beta 1.0, --epochs 2")
        XCTAssertEqual(
            Notebook.flagDifference(saved: "--quick --seed 1", now: "--seed 1"),
            "it was trained with --quick; this run has no --quick")
    }

    func testParameterNamesAreKeptWhenUniqueAndNumberedOtherwise() {
        let a = Variable(Tensor([1]), name: "encoder.weight"), b = Variable(Tensor([1]), name: "decoder.weight")
        XCTAssertEqual(Notebook.parameterKeys([a, b]), ["encoder.weight", "decoder.weight"])
        XCTAssertEqual(
            Notebook.parameterKeys([a, a, Variable(Tensor([1]))]),
            ["00.encoder.weight", "01.encoder.weight", "02.parameter"])
    }
}
