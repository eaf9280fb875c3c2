import ArgumentParser
import XCTest

@testable import LabNotebook

/// Knobs are declared once: their flags come from the declarations and parse back to the same values.
final class KnobFlagsTests: XCTestCase {
    struct Knobs: LabKnobs {
        @Option var beta: Float = 3
        @Option(parsing: .upToNextOption) var codeSizes: [Int] = []
        @Option(parsing: .upToNextOption) var labels: [String] = []
        @Option var saltPepperP: Double = 0.2
        @Option var steps: Int?
        @Flag var verbose = false
    }

    func testEveryDeclaredKnobIsRecordedAndParsesBack() throws {
        XCTAssertEqual(
            try Knobs.parse([]).flags, ["--beta 3.0", "--salt-pepper-p 0.2"], "defaults; empty and nil left out")
        let arguments = [
            "--beta", "0.5", "--code-sizes", "2", "8", "--labels", "20", "all", "--salt-pepper-p", "0.4",
            "--steps", "7", "--verbose",
        ]
        let knobs = try Knobs.parse(arguments)
        XCTAssertEqual(
            knobs.flags,
            [
                "--beta 0.5", "--code-sizes 2 8", "--labels 20 all", "--salt-pepper-p 0.4", "--steps 7",
                "--verbose",
            ])
        let again = try Knobs.parse(knobs.flags.flatMap { $0.split(separator: " ").map(String.init) })
        XCTAssertEqual(again.flags, knobs.flags, "the recorded flags set the same values")
    }

    func testTheSharedTrainingKnobs() throws {
        enum Lab: LabProgram {
            static let info = LabInfo(number: 99, title: "test", sections: 1, reference: "", summary: "")
            static let defaultLearningRate: Float = 1e-3
            static let defaultBatchSize = 128
            struct Knobs: LabKnobs {}
            static func notebook(_ run: LabRun<Lab>) throws {}
        }
        let training = try TrainingKnobs<Lab>.parse(["--learning-rate", "0.002"])
        XCTAssertEqual(training.flags, ["--learning-rate 0.002", "--batch-size 128"])
    }
}
